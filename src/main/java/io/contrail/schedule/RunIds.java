package io.contrail.schedule;

import io.contrail.run.RunType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Generated run ids (DESIGN.md §3): {@code manual__<instant>}, {@code scheduled__<logical date>}
 * and {@code backfill__<logical date>}, with ISO-8601 UTC instants. Manual ids always carry six
 * fraction digits so that two triggers in the same second differ; scheduled and backfill ids print
 * the logical date exactly as {@link Instant#toString()} does.
 */
public final class RunIds {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private RunIds() {}

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
