package io.contrail.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * The text forms Airflow's REST API uses: response times in UTC with {@code Z} and microseconds
 * only when there are some ({@code 2026-12-01T21:42:05.789854Z}), health heartbeats as Python's
 * {@code isoformat()} ({@code ...+00:00}), request times that must carry an offset ({@code Z},
 * {@code +00:00} or {@code +0000}), and pydantic's lax query booleans.
 */
public final class Wire {
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter REQUEST = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .toFormatter(Locale.ROOT);

  private Wire() {}

  /** {@code 2026-12-01T21:42:05.789854Z} or {@code 2024-01-01T00:00:00Z}; null stays null. */
  public static String time(Instant t) {
    if (t == null) {
      return null;
    }
    Instant micros = t.truncatedTo(ChronoUnit.MICROS);
    int fraction = micros.getNano() / 1000;
    return SECONDS.format(micros) + (fraction == 0 ? "" : String.format(Locale.ROOT, ".%06d", fraction)) + "Z";
  }

  /** Python's {@code isoformat()} of an aware UTC datetime: {@code 2026-12-01T21:43:51.540343+00:00}. */
  public static String isoformat(Instant t) {
    if (t == null) {
      return null;
    }
    String z = time(t);
    return z.substring(0, z.length() - 1) + "+00:00";
  }

  /** Seconds between two instants as a float, or null while either is missing. */
  public static Double seconds(Instant from, Instant to) {
    if (from == null || to == null) {
      return null;
    }
    return ChronoUnit.MICROS.between(from, to) / 1e6;
  }

  /** A request datetime; empty when it is not ISO 8601 with an offset. */
  public static Optional<Instant> parseTime(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      var parsed = REQUEST.parse(text.strip());
      if (!parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
        return Optional.empty();
      }
      return Optional.of(OffsetDateTime.from(parsed).toInstant());
    } catch (java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  /** Whether the text is a date-time without an offset (a different 422 than garbage). */
  public static boolean isNaiveTime(String text) {
    try {
      DateTimeFormatter.ISO_LOCAL_DATE_TIME.parse(text.strip());
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Pydantic's lax booleans: true/false, 1/0, yes/no, on/off, t/f, y/n in any case; else empty. */
  public static Optional<Boolean> parseBoolean(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on", "t", "y" -> Optional.of(true);
      case "false", "0", "no", "off", "f", "n" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}
