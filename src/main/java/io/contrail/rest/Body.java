package io.contrail.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON request body checked the way FastAPI and pydantic check Airflow's: it must be UTF-8 (else
 * 400), JSON (else 422 {@code json_invalid}), an object with only the schema's keys (else 422
 * {@code extra_forbidden}) whose values have the schema's JSON types — strictly: {@code "true"} is
 * not a boolean, {@code "1"} is not an integer. Problems collect until {@link #check} throws them
 * all as one 422.
 */
final class Body {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode json;
  private final List<Object> at;
  private final List<ValidationError> errors = new ArrayList<>();

  private Body(ObjectNode json, List<Object> at) {
    this.json = json;
    this.at = List.copyOf(at);
  }

  /** The body as an object with only {@code allowed} keys; an empty body is a 422 {@code missing}. */
  static Body parse(byte[] bytes, Set<String> allowed) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("There was an error parsing the body");
    }
    if (text.isBlank()) {
      throw ApiException.invalid(List.of(new ValidationError(List.of("body"), "Field required", "missing", null, null)));
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      throw ApiException.invalid(List.of(new ValidationError(List.of("body", at), "JSON decode error", "json_invalid",
          Map.of(), Map.of("error", e.getOriginalMessage()))));
    }
    return nested(node, List.of("body"), allowed);
  }

  /**
   * A JSON object inside a body (a bulk action, one of its entities), its problems located at
   * {@code at} ({@code ["body", "actions", 0]}); not an object is a 422 at once.
   */
  static Body nested(JsonNode node, List<Object> at, Set<String> allowed) {
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.invalid(List.of(new ValidationError(at,
          "Input should be a valid dictionary or object to extract fields from", "model_attributes_type",
          MAPPER.convertValue(node, Object.class), null)));
    }
    Body body = new Body(object, at);
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        body.errors.add(new ValidationError(body.loc(key), "Extra inputs are not permitted", "extra_forbidden",
            MAPPER.convertValue(object.get(key), Object.class), null));
      }
    }
    return body;
  }

  private List<Object> loc(String key) {
    List<Object> l = new ArrayList<>(at);
    l.add(key);
    return l;
  }

  boolean has(String key) {
    return json.has(key);
  }

  /** Present and JSON null. */
  boolean isNull(String key) {
    return json.has(key) && json.get(key).isNull();
  }

  private JsonNode value(String key, boolean required) {
    JsonNode v = json.get(key);
    if (v == null && required) {
      errors.add(new ValidationError(loc(key), "Field required", "missing", MAPPER.convertValue(json,
          Object.class), null));
    }
    return v == null || v.isNull() ? null : v;
  }

  /** A required key given as JSON null: pydantic refuses it as the wrong type, never as absent. */
  private boolean nullForRequired(String key, boolean required, String type, String msg) {
    if (required && isNull(key)) {
      wrongType(key, json.get(key), type, msg);
      return true;
    }
    return false;
  }

  private void wrongType(String key, JsonNode v, String type, String msg) {
    errors.add(new ValidationError(loc(key), msg, type, MAPPER.convertValue(v, Object.class), null));
  }

  String string(String key, boolean required, int maxLength) {
    nullForRequired(key, required, "string_type", "Input should be a valid string");
    JsonNode v = value(key, required);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      wrongType(key, v, "string_type", "Input should be a valid string");
      return null;
    }
    if (v.textValue().length() > maxLength) {
      errors.add(new ValidationError(loc(key), "String should have at most " + maxLength + " characters",
          "string_too_long", v.textValue(), Map.of("max_length", maxLength)));
      return null;
    }
    return v.textValue();
  }

  Boolean bool(String key, boolean required) {
    nullForRequired(key, required, "bool_type", "Input should be a valid boolean");
    JsonNode v = value(key, required);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      wrongType(key, v, "bool_type", "Input should be a valid boolean");
      return null;
    }
    return v.booleanValue();
  }

  /** An integer in [min, 2^31-1]: every integer a body carries is kept in an INTEGER column. */
  Long integer(String key, boolean required, long min) {
    nullForRequired(key, required, "int_type", "Input should be a valid integer");
    JsonNode v = value(key, required);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      wrongType(key, v, "int_type", "Input should be a valid integer");
      return null;
    }
    if (v.longValue() < min) {
      errors.add(new ValidationError(loc(key), "Input should be greater than or equal to " + min,
          "greater_than_equal", v.longValue(), Map.of("ge", min)));
      return null;
    }
    if (v.longValue() > Integer.MAX_VALUE) {
      errors.add(new ValidationError(loc(key), "Input should be less than or equal to " + Integer.MAX_VALUE,
          "less_than_equal", v.longValue(), Map.of("le", Integer.MAX_VALUE)));
      return null;
    }
    return v.longValue();
  }

  /** A JSON object as text (run conf), or null. */
  String object(String key) {
    JsonNode v = value(key, false);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      wrongType(key, v, "dict_type", "Input should be a valid dictionary");
      return null;
    }
    return v.toString();
  }

  Instant time(String key, boolean required) {
    JsonNode v = value(key, required);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      wrongType(key, v, "datetime_type", "Input should be a valid datetime");
      return null;
    }
    return Wire.parseTime(v.textValue()).orElseGet(() -> {
      if (Wire.isNaiveTime(v.textValue())) {
        wrongType(key, v, "timezone_aware", "Input should have timezone info");
      } else {
        wrongType(key, v, "datetime_from_date_parsing", "Input should be a valid datetime or date, invalid character in year");
      }
      return null;
    });
  }

  /** The raw value of a key (arrays, unions), or null. */
  JsonNode node(String key) {
    return value(key, false);
  }

  /** Records a problem found by the caller. */
  void error(String key, String type, String msg) {
    errors.add(new ValidationError(loc(key), msg, type, MAPPER.convertValue(json.get(key), Object.class),
        null));
  }

  void check() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(List.copyOf(errors));
    }
  }
}
