package io.contrail.dag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, line-aware reads of one YAML mapping. Every getter returns null for an absent or null key
 * and throws a {@link DagImportException} at the key's line for a value of the wrong type, so the
 * parsers above read like a list of fields.
 */
final class YamlMap {
  private final YamlDoc doc;
  private final String pointer;
  private final ObjectNode node;

  YamlMap(YamlDoc doc, String pointer, ObjectNode node) {
    this.doc = doc;
    this.pointer = pointer;
    this.node = node;
  }

  int line() {
    return doc.line(pointer);
  }

  int line(String key) {
    return doc.line(YamlDoc.child(pointer, key));
  }

  boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  DagImportException error(String key, String message) {
    return doc.error(YamlDoc.child(pointer, key), message);
  }

  /** Rejects the first key (in file order) not in {@code allowed}; {@code where} says whose key it is. */
  void rejectUnknownKeys(Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw error(key, "unknown key '" + key + "' " + where);
      }
    }
  }

  String string(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw error(key, "'" + key + "' must be a string, not " + describe(v));
    }
    return v.asText();
  }

  String requiredString(String key, String whose) {
    String s = string(key);
    if (s == null || s.isBlank()) {
      throw missing(key, whose);
    }
    return s;
  }

  /** A required key is absent: reported at the line of the mapping that lacks it. */
  DagImportException missing(String key, String whose) {
    return doc.error(pointer, "missing required key '" + key + "'" + whose);
  }

  Integer integer(String key, int min) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    long value;
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      value = v.intValue();
    } else if (v.isTextual() && v.asText().trim().matches("-?\\d{1,9}")) {
      value = Integer.parseInt(v.asText().trim());
    } else {
      throw error(key, "'" + key + "' must be an integer, not " + describe(v));
    }
    if (value < min) {
      throw error(key, "'" + key + "' must be at least " + min + ", not " + value);
    }
    return (int) value;
  }

  Boolean bool(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
      return Boolean.valueOf(v.asText());
    }
    throw error(key, "'" + key + "' must be true or false, not " + describe(v));
  }

  Duration duration(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode() || v.isBoolean()) {
      throw error(key, "'" + key + "' must be a duration like 5s or 1m30s, not " + describe(v));
    }
    try {
      return DagParser.durationOf(v.asText());
    } catch (IllegalArgumentException e) {
      throw error(key, "'" + key + "': " + e.getMessage());
    }
  }

  /** A list of strings; a single scalar is read as a list of one, as YAML users often write. */
  List<String> strings(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (v.isValueNode()) {
      out.add(v.asText());
      return out;
    }
    if (!v.isArray()) {
      throw error(key, "'" + key + "' must be a list, not " + describe(v));
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (!item.isValueNode() || item.isNull()) {
        throw doc.error(YamlDoc.child(pointer, key) + "/" + i,
            "'" + key + "' items must be strings, not " + describe(item));
      }
      out.add(item.asText());
    }
    return out;
  }

  List<Integer> integers(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode item : v.isArray() ? v : List.of(v)) {
      if (!item.isIntegralNumber() || !item.canConvertToInt()) {
        throw error(key, "'" + key + "' must be an integer or a list of integers, not " + describe(item));
      }
      out.add(item.intValue());
    }
    return out;
  }

  /** A mapping of names to scalar values, as for env and headers; values are kept as text. */
  Map<String, String> stringMap(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw error(key, "'" + key + "' must be a mapping, not " + describe(v));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode()) {
        throw doc.error(YamlDoc.child(YamlDoc.child(pointer, key), e.getKey()),
            "'" + key + "." + e.getKey() + "' must be a string, not " + describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
    }
    return out;
  }

  /** The raw node, for values that may take several shapes (an HTTP body). */
  JsonNode raw(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  YamlMap map(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw error(key, "'" + key + "' must be a mapping, not " + describe(v));
    }
    return new YamlMap(doc, YamlDoc.child(pointer, key), (ObjectNode) v);
  }

  List<YamlMap> maps(String key, String itemName) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(key, "'" + key + "' must be a list of " + itemName + "s, not " + describe(v));
    }
    List<YamlMap> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String itemPointer = YamlDoc.child(pointer, key) + "/" + i;
      if (!v.get(i).isObject()) {
        throw doc.error(itemPointer, "each " + itemName + " must be a mapping, not " + describe(v.get(i)));
      }
      out.add(new YamlMap(doc, itemPointer, (ObjectNode) v.get(i)));
    }
    return out;
  }

  private static String describe(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isTextual()) {
      return "'" + v.asText() + "'";
    }
    return v.asText();
  }
}
