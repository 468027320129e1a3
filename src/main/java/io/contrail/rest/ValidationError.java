package io.contrail.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a 422 answer, in FastAPI's shape: where ({@code ["query", "limit"]}), a message, an
 * error type ({@code missing}, {@code extra_forbidden}, {@code int_parsing} ...), the input that was
 * refused and, for some types, the constraint ({@code {"ge": 0}}).
 */
public record ValidationError(List<Object> loc, String msg, String type, Object input, Map<String, Object> ctx) {
  public ValidationError {
    loc = List.copyOf(loc);
  }

  public static ValidationError of(String where, String name, String type, String msg, Object input) {
    return new ValidationError(List.of(where, name), msg, type, input, null);
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("loc", loc);
    m.put("msg", msg);
    m.put("input", input);
    if (ctx != null) {
      m.put("ctx", ctx);
    }
    return m;
  }
}
