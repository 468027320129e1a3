package io.contrail.schedule;

import io.contrail.run.RunType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Generated run ids (DESIGN.md §3): {@code manual__<instant>}, {@code scheduled__<logical date>}
 * and {@code backfill__<logical date>}, with ISO-8601 UTC instants. Manual ids always carry six
 * fraction digits so that two triggers in the same second differ; scheduled and backfill ids print
 * the logical date exactly as {@link Instant#toString()} does.
 */
public final class RunIds {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * What a run id given by a user (CLI or REST API) may be: 1-250 of {@code A-Z a-z 0-9 _ . : + -},
   * not made of dots alone. Run ids become folder names under the logs folder, so nothing else —
   * no {@code /}, {@code \\}, NUL, blank, {@code ..} — may reach one; {@code ~} means "every run" to the
   * REST API.
   */
  public static final Pattern USER_RUN_ID = Pattern.compile("[A-Za-z0-9_.:+-]{1,250}");

  private RunIds() {}

  /**
   * Returns {@code runId} if a user may choose it, else throws naming the first character that is
   * not allowed.
   */
  public static String requireValid(String runId) {
    Objects.requireNonNull(runId, "runId");
    if (USER_RUN_ID.matcher(runId).matches() && !runId.chars().allMatch(c -> c == '.')) {
      return runId;
    }
    String why;
    if (runId.isEmpty()) {
      why = "it is empty";
    } else if (runId.length() > 250) {
      why = "it is " + runId.length() + " characters long, at most 250 are allowed";
    } else if (runId.chars().allMatch(c -> c == '.')) {
      why = "it is made of dots alone";
    } else {
      int bad = runId.codePoints().filter(c -> !(c < 128 && USER_RUN_ID.matcher(Character.toString(c)).matches()))
          .findFirst().orElse('?');
      why = "character " + describe(bad) + " is not allowed";
    }
    throw new IllegalArgumentException("run id '" + printable(runId) + "' is invalid: " + why
        + " (allowed: 1-250 of A-Z a-z 0-9 _ . : + -)");
  }

  private static String describe(int c) {
    return c < 0x20 || c == 0x7f ? String.format("U+%04X", c) : "'" + Character.toString(c) + "'";
  }

  /**
   * The id as it may appear in a message: control characters shown as \\uXXXX (so the message
   * cannot break a terminal or a log line), cut at 260 characters.
   */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(260).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  /** {@code manual__2026-01-01T00:00:00.123456Z}: the trigger time, truncated to microseconds. */
  public static String manual(Instant at) {
    return RunType.MANUAL.id() + "__"
        + MICROS.format(Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MICROS));
  }

  /** {@code scheduled__2026-01-01T00:00:00Z}. */
  public static String scheduled(Instant logicalDate) {
    return RunType.SCHEDULED.id() + "__" + Objects.requireNonNull(logicalDate, "logicalDate");
  }

  /** {@code backfill__2026-01-01T00:00:00Z}. */
  public static String backfill(Instant logicalDate) {
    return RunType.BACKFILL.id() + "__" + Objects.requireNonNull(logicalDate, "logicalDate");
  }

  /** The generated id for a run of the given type: the trigger time or the logical date. */
  public static String of(RunType type, Instant instant) {
    return switch (type) {
      case MANUAL -> manual(instant);
      case SCHEDULED -> scheduled(instant);
      case BACKFILL -> backfill(instant);
    };
  }
}
