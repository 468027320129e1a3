package io.contrail.dag;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as DAG files write them — {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 1d}, combinations such as {@code 1m30s}, a bare number of seconds, or ISO-8601
 * ({@code PT5S}) — and back: {@link #format} writes the shortest such text, so what {@code dags
 * show --json} prints can be pasted into a DAG file.
 */
public final class DurationText {
  private static final Pattern PART = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text when it is none of the forms above
   */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim();
    try {
      if (s.matches("\\d+")) {
        return Duration.ofSeconds(Long.parseLong(s));
      }
      if (s.matches("\\d+\\.\\d+")) {
        return Duration.ofNanos(new BigDecimal(s).movePointRight(9).longValueExact());
      }
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      Matcher m = PART.matcher(s);
      Duration total = Duration.ZERO;
      int pos = 0;
      while (pos < s.length() && m.find(pos) && m.start() == pos) {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
        pos = m.end();
      }
      if (pos > 0 && pos == s.length()) {
        return total;
      }
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      // fall through to the one message users see
    }
    throw new IllegalArgumentException("invalid duration '" + text
        + "' (expected e.g. 500ms, 5s, 2m, 1h, 1d, 1m30s or a number of seconds)");
  }

  /** {@code d} as the parser reads it back: {@code 1h30m}, {@code 500ms}, {@code 0s}; null stays null. */
  public static String format(Duration d) {
    if (d == null) {
      return null;
    }
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    append(b, d.toDays(), "d");
    append(b, d.toHoursPart(), "h");
    append(b, d.toMinutesPart(), "m");
    append(b, d.toSecondsPart(), "s");
    append(b, d.toMillisPart(), "ms");
    return b.length() == 0 ? d.toNanos() + "ns" : b.toString();
  }

  private static void append(StringBuilder b, long n, String unit) {
    if (n > 0) {
      b.append(n).append(unit);
    }
  }
}
