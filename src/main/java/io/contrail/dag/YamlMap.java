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
 * and throws a {@link DagImportException} at the key's line for a value of the wrong type or out of
 * range, quoting the value as the file writes it, so the parsers above read like a list of fields.
 * Two kinds of string: free text (a command, a description, an env value) is taken exactly as
 * written, so {@code command: true} runs {@code true} and {@code DEBUG: yes} stays {@code yes};
 * an identifier (dag_id, task_id, pool ...) must be a YAML string, since an unquoted {@code yes}
 * or {@code 012} would silently become {@code true} or {@code 10}.
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

  /** Free text, exactly as written; a mapping or list is an error. */
  String string(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw error(key, "'" + key + "' must be a string, not " + describe(v, childPointer(key)));
    }
    return written(v, childPointer(key));
  }

  String requiredString(String key, String whose) {
    String s = string(key);
    if (s == null || s.isBlank()) {
      throw missing(key, whose);
    }
    return s;
  }

  /** A name or keyword: must be a YAML string; {@code dag_id: yes} is refused, not read as "true". */
  String identifier(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    return identifierValue(key, v, childPointer(key));
  }

  String requiredIdentifier(String key, String whose) {
    String s = identifier(key);
    if (s == null || s.isBlank()) {
      throw missing(key, whose);
    }
    return s;
  }

  private String identifierValue(String key, JsonNode v, String at) {
    if (v.isTextual()) {
      return v.asText();
    }
    String as = written(v, at);
    if (v.isValueNode()) {
      throw doc.error(at, "'" + key + "' must be a string: " + as + " is read as " + kind(v)
          + "; quote it: " + key + ": \"" + as + "\"");
    }
    throw doc.error(at, "'" + key + "' must be a string, not " + describe(v, at));
  }

  /** A required key is absent: reported at the line of the mapping that lacks it. */
  DagImportException missing(String key, String whose) {
    return doc.error(pointer, "missing required key '" + key + "'" + whose);
  }

  Integer integer(String key, int min, int max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    String text = v.isTextual() ? v.asText().trim() : written(v, childPointer(key));
    long value;
    if ((v.isIntegralNumber() || v.isTextual()) && text.matches("[-+]?\\d{1,18}")) {
      value = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
    } else {
      throw error(key, "'" + key + "' must be an integer, not " + describe(v, childPointer(key)));
    }
    if (value < min || value > max) {
      throw error(key, "'" + key + "' must be between " + min + " and " + max + ", not " + text);
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
    throw error(key, "'" + key + "' must be true or false, not " + describe(v, childPointer(key)));
  }

  /** A duration of at least {@code min} and at most {@code max}. */
  Duration duration(String key, Duration min, Duration max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    String text = written(v, childPointer(key));
    if (!v.isValueNode() || v.isBoolean()) {
      throw error(key, "'" + key + "' must be a duration like 5s or 1m30s, not " + describe(v, childPointer(key)));
    }
    Duration d;
    try {
      d = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(key, "'" + key + "': " + e.getMessage());
    }
    if (d.compareTo(min) < 0) {
      throw error(key, "'" + key + "' must be at least " + DurationText.format(min) + ", not " + text);
    }
    if (d.compareTo(max) > 0) {
      throw error(key, "'" + key + "' must be at most " + DurationText.format(max) + ", not " + text);
    }
    return d;
  }

  /** A list of free-text strings; a single scalar is read as a list of one, as YAML users often write. */
  List<String> strings(String key) {
    return list(key, false);
  }

  /** A list of identifiers (task ids), each a YAML string. */
  List<String> identifiers(String key) {
    return list(key, true);
  }

  private List<String> list(String key, boolean identifiers) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (v.isValueNode()) {
      out.add(identifiers ? identifierValue(key, v, childPointer(key)) : written(v, childPointer(key)));
      return out;
    }
    if (!v.isArray()) {
      throw error(key, "'" + key + "' must be a list, not " + describe(v, childPointer(key)));
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String at = childPointer(key) + "/" + i;
      if (!item.isValueNode() || item.isNull()) {
        throw doc.error(at, "'" + key + "' items must be strings, not " + describe(item, at));
      }
      out.add(identifiers ? identifierValue(key, item, at) : written(item, at));
    }
    return out;
  }

  /** Integers in {@code [min, max]}: one, or a list of them. */
  List<Integer> integers(String key, int min, int max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    int i = 0;
    for (JsonNode item : v.isArray() ? v : List.of(v)) {
      String at = v.isArray() ? childPointer(key) + "/" + i++ : childPointer(key);
      if (!item.isIntegralNumber() || !item.canConvertToInt()) {
        throw doc.error(at, "'" + key + "' must be an integer or a list of integers, not " + describe(item, at));
      }
      if (item.intValue() < min || item.intValue() > max) {
        throw doc.error(at, "'" + key + "' values must be between " + min + " and " + max + ", not " + item.intValue());
      }
      out.add(item.intValue());
    }
    return out;
  }

  /** A mapping of names to scalar values, as for env and headers; values are kept as written. */
  Map<String, String> stringMap(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw error(key, "'" + key + "' must be a mapping, not " + describe(v, childPointer(key)));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = YamlDoc.child(childPointer(key), e.getKey());
      if (!e.getValue().isValueNode()) {
        throw doc.error(at, "'" + key + "." + e.getKey() + "' must be a string, not " + describe(e.getValue(), at));
      }
      out.put(e.getKey(), e.getValue().isNull() ? "" : written(e.getValue(), at));
    }
    return out;
  }

  /** The raw node, for values that may take several shapes (an HTTP body). */
  JsonNode raw(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  /** A scalar's text as the file writes it. */
  String written(String key) {
    JsonNode v = raw(key);
    return v == null ? null : written(v, childPointer(key));
  }

  YamlMap map(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw error(key, "'" + key + "' must be a mapping, not " + describe(v, childPointer(key)));
    }
    return new YamlMap(doc, childPointer(key), (ObjectNode) v);
  }

  List<YamlMap> maps(String key, String itemName) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(key, "'" + key + "' must be a list of " + itemName + "s, not " + describe(v, childPointer(key)));
    }
    List<YamlMap> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String itemPointer = childPointer(key) + "/" + i;
      if (!v.get(i).isObject()) {
        throw doc.error(itemPointer, "each " + itemName + " must be a mapping, not " + describe(v.get(i), itemPointer));
      }
      out.add(new YamlMap(doc, itemPointer, (ObjectNode) v.get(i)));
    }
    return out;
  }

  private String childPointer(String key) {
    return YamlDoc.child(pointer, key);
  }

  private String written(JsonNode v, String at) {
    if (v.isTextual()) {
      return v.asText();
    }
    String as = doc.writtenAs(at);
    return as != null ? as : v.asText();
  }

  private String describe(JsonNode v, String at) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isTextual()) {
      return "'" + v.asText() + "'";
    }
    return written(v, at);
  }

  private static String kind(JsonNode v) {
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isNumber()) {
      return "a number";
    }
    return "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
