package io.contrail.telemetry.traces;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps secrets and huge values out of telemetry: a value whose key looks secret (password,
 * secret, token, key, credential, auth ...) becomes "***", and long values are cut to 4 KiB.
 */
final class Redaction {
  public static final String MASK = "***";
  public static final int MAX_VALUE_CHARS = 4096;
  private static final Pattern SECRET = Pattern.compile(
      "(?i).*(pass(word|wd)?|secret|token|api[_.-]?key|private[_.-]?key|access[_.-]?key|key|credential|auth|cookie|session|signature).*");

  private Redaction() {}

  public static boolean looksSecret(String key) {
    return key != null && SECRET.matcher(key.toLowerCase(Locale.ROOT)).matches();
  }

  public static String truncate(String value) {
    if (value == null || value.length() <= MAX_VALUE_CHARS) {
      return value;
    }
    return value.substring(0, MAX_VALUE_CHARS - 14) + "...(truncated)";
  }

  /** A copy of a JSON-like map with secret-looking keys masked at every depth. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> mask(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (looksSecret(k)) {
        out.put(k, MASK);
      } else if (v instanceof Map<?, ?> nested) {
        out.put(k, mask((Map<String, Object>) nested));
      } else {
        out.put(k, v);
      }
    });
    return out;
  }
}
