package io.contrail.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes response bodies: JSON objects built as ordered maps (every field present, null when not
 * applicable, in the order of Airflow's schemas), and Airflow's list envelopes.
 */
public final class Responses {
  static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Responses() {}

  public static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response: " + e.getOriginalMessage(), e);
    }
  }

  public static void json(Context ctx, Object body) {
    json(ctx, 200, body);
  }

  /** {@code {"<items>": [...], "total_entries": N}}. */
  public static Map<String, Object> collection(String items, List<?> page, long total) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(items, page);
    m.put("total_entries", total);
    return m;
  }

  /** A run or task instance list: the envelope plus the cursor fields of offset pagination (null). */
  public static Map<String, Object> pagedCollection(String items, List<?> page, long total) {
    Map<String, Object> m = collection(items, page, total);
    m.put("total_entries_limit", null);
    m.put("next_cursor", null);
    m.put("previous_cursor", null);
    return m;
  }

  /** The error body {@code {"detail": ...}}. */
  public static Map<String, Object> error(Object detail) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("detail", detail);
    return m;
  }

  static byte[] bytes(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
