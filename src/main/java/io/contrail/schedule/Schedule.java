package io.contrail.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * When a DAG runs: never on its own ({@link ManualSchedule}), once at its start date
 * ({@link OnceSchedule}), or on every tick of a 5-field UNIX cron expression ({@link CronSchedule}),
 * with Airflow's data-interval semantics: the run for {@code [start, end)} becomes due once
 * {@code now >= end}, and its logical date is {@code start}. All times are UTC instants; the
 * implementations are immutable, pure and thread-safe.
 */
public sealed interface Schedule permits ManualSchedule, OnceSchedule, CronSchedule {

  /** Hard cap on the number of intervals {@link #intervalsBetween} will enumerate. */
  int MAX_INTERVALS = 100_000;

  /** Presets and the cron expressions they stand for. */
  Map<String, String> PRESETS = Map.of(
      "@hourly", "0 * * * *",
      "@daily", "0 0 * * *",
      "@weekly", "0 0 * * 0",
      "@monthly", "0 0 1 * *",
      "@yearly", "0 0 1 1 *");

  /**
   * Parses a DAG's {@code schedule}: null or blank means manual-only; {@code @once}, {@code @hourly},
   * {@code @daily}, {@code @weekly}, {@code @monthly}, {@code @yearly} are presets; anything else
   * must be a 5-field UNIX cron expression.
   *
   * @throws IllegalArgumentException naming the expression and the reason when it is invalid
   */
  static Schedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      return ManualSchedule.INSTANCE;
    }
    String trimmed = expression.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.equals("@once")) {
      return new OnceSchedule(trimmed);
    }
    if (lower.startsWith("@")) {
      String cron = PRESETS.get(lower);
      if (cron == null) {
        throw new IllegalArgumentException("invalid schedule '" + expression
            + "': unknown preset (expected one of @once, @hourly, @daily, @weekly, @monthly, "
            + "@yearly)");
      }
      return CronSchedule.of(trimmed, cron);
    }
    return CronSchedule.of(trimmed, trimmed);
  }

  /** The expression as given (trimmed), or {@code "null"} for a manual-only schedule. */
  String expression();

  /** True when runs are only ever created by a trigger, never by the scheduler. */
  boolean isManualOnly();

  /**
   * The data interval of the first run at or after {@code startDate} (cron:
   * {@code [first tick >= startDate, next tick)}; {@code @once}: {@code [startDate, startDate]});
   * empty for manual.
   */
  Optional<DataInterval> firstInterval(Instant startDate);

  /**
   * The scheduled runs to create now. {@code lastLogicalDate} is the logical date of the latest
   * scheduled or backfill run already created, null if none. With {@code catchup} every due interval
   * after it (or from {@code startDate}), oldest first, at most {@code limit}; without, only the
   * latest due interval, and only if it is after {@code lastLogicalDate}. {@code @once} yields
   * {@code [startDate, startDate]} once {@code now >= startDate}, only if {@code lastLogicalDate} is
   * null. Manual schedules yield nothing.
   */
  List<DataInterval> dueIntervals(Instant startDate, boolean catchup, Instant lastLogicalDate,
      Instant now, int limit);

  /**
   * Every interval whose logical date lies in {@code [from, to]} (inclusive) and is not before
   * {@code startDate}'s first interval, oldest first, for backfill. {@code @once}: its single
   * interval if {@code startDate} is in range.
   *
   * @throws IllegalArgumentException for a manual schedule, when {@code from} is after {@code to},
   *     or when the range holds more than {@link #MAX_INTERVALS} intervals
   */
  List<DataInterval> intervalsBetween(Instant startDate, Instant from, Instant to);

  /**
   * The first instant strictly after {@code now} at which a not-yet-created interval becomes due
   * (its end), for logging and {@code dags list}; empty for manual, and for {@code @once} once
   * created or already due. Intervals that are due already are what {@link #dueIntervals} returns.
   */
  Optional<Instant> nextRunAfter(Instant startDate, Instant lastLogicalDate, Instant now);

  /**
   * The data interval of the next run not created yet, the one whose end {@link #nextRunAfter}
   * returns ({@code @once}: {@code [startDate, startDate]}); empty when that is empty.
   */
  Optional<DataInterval> nextInterval(Instant startDate, Instant lastLogicalDate, Instant now);
}
