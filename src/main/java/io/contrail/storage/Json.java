package io.contrail.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;

/** The one JSON mapper for serialized DAGs, run conf and {@code --json} output. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static <T> T read(String text, Class<T> type) {
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON tree of {@code text}. */
  public static com.fasterxml.jackson.databind.JsonNode tree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new StorageException("cannot read JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a JSON object (run conf); null or blank gives an empty map. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(String text) {
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    Object v = read(text, Object.class);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("conf must be a JSON object, got: " + text);
    }
    return (Map<String, Object>) v;
  }
}
