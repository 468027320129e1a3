package io.contrail.telemetry.traces;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.storage.Json;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process's OpenTelemetry resource in the form the span_resource table stores it: JSON with the
 * schema URL and every attribute as {@code [key, type, value]} in key order, so the same resource
 * always has the same text (and digest), and decoding gives back a resource that the OTLP
 * exporter serialises to the same bytes.
 */
public final class StoredResources {
  private StoredResources() {}

  public static String encode(Resource resource) {
    List<List<Object>> attributes = new ArrayList<>();
    resource.getAttributes().forEach((key, value) -> attributes.add(List.of(key.getKey(), key.getType().name(), value)));
    attributes.sort(Comparator.comparing(a -> (String) a.get(0)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema_url", resource.getSchemaUrl());
    doc.put("attributes", attributes);
    return Json.write(doc);
  }

  public static Resource decode(String stored) {
    JsonNode doc = Json.read(stored, JsonNode.class);
    AttributesBuilder b = Attributes.builder();
    for (JsonNode a : doc.path("attributes")) {
      String key = a.get(0).asText();
      JsonNode v = a.get(2);
      switch (AttributeType.valueOf(a.get(1).asText())) {
        case STRING -> b.put(AttributeKey.stringKey(key), v.asText());
        case BOOLEAN -> b.put(AttributeKey.booleanKey(key), v.asBoolean());
        case LONG -> b.put(AttributeKey.longKey(key), v.asLong());
        case DOUBLE -> b.put(AttributeKey.doubleKey(key), v.asDouble());
        case STRING_ARRAY -> b.put(AttributeKey.stringArrayKey(key), list(v, JsonNode::asText));
        case BOOLEAN_ARRAY -> b.put(AttributeKey.booleanArrayKey(key), list(v, JsonNode::asBoolean));
        case LONG_ARRAY -> b.put(AttributeKey.longArrayKey(key), list(v, JsonNode::asLong));
        case DOUBLE_ARRAY -> b.put(AttributeKey.doubleArrayKey(key), list(v, JsonNode::asDouble));
        default -> { } // a type a newer version stored: left out rather than guessed
      }
    }
    JsonNode schema = doc.path("schema_url");
    return Resource.create(b.build(), schema.isNull() || schema.isMissingNode() ? null : schema.asText());
  }

  private static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> item) {
    List<T> out = new ArrayList<>();
    array.forEach(n -> out.add(item.apply(n)));
    return out;
  }
}
