package io.contrail.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/** The JSON form of a {@link Callback}: one flat object, {@code type}, the spec's fields and {@code timeout}. */
final class CallbackJson {
  private CallbackJson() {}

  static final class Writer extends JsonSerializer<Callback> {
    @Override
    public void serialize(Callback c, JsonGenerator gen, SerializerProvider provider) throws IOException {
      ObjectMapper mapper = (ObjectMapper) gen.getCodec();
      ObjectNode node = mapper.createObjectNode();
      node.put("type", c.action().type());
      node.setAll((ObjectNode) mapper.valueToTree(c.action()));
      node.set("timeout", mapper.valueToTree(c.timeout()));
      gen.writeTree(node);
    }
  }

  static final class Reader extends JsonDeserializer<Callback> {
    @Override
    public Callback deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      ObjectMapper mapper = (ObjectMapper) p.getCodec();
      JsonNode node = mapper.readTree(p);
      Class<? extends TaskSpec> type = TaskSpec.TYPES.get(node.path("type").asText().toLowerCase(Locale.ROOT));
      if (type == null) {
        throw ctx.weirdStringException(node.path("type").asText(), TaskSpec.class, "unknown callback type");
      }
      JsonNode timeout = node.get("timeout");
      return new Callback(mapper.treeToValue(node, type),
          timeout == null || timeout.isNull() ? null : mapper.treeToValue(timeout, Duration.class));
    }
  }
}
