package io.contrail.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A schedule firing on the ticks of a 5-field UNIX cron expression evaluated in UTC (presets such
 * as {@code @daily} included). Each run's data interval spans two consecutive ticks.
 */
final class CronSchedule implements Schedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String expression;
  private final String cron;
  private final ExecutionTime executionTime;

  private CronSchedule(String expression, String cron, ExecutionTime executionTime) {
    this.expression = expression;
    this.cron = cron;
    this.executionTime = executionTime;
  }

  static CronSchedule of(String expression, String cron) {
    ExecutionTime executionTime;
    try {
      executionTime = ExecutionTime.forCron(PARSER.parse(cron).validate());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid cron schedule '" + expression
          + "': " + e.getMessage() + " (expected 5 fields: minute hour day-of-month month "
          + "day-of-week, or a preset)", e);
    }
    CronSchedule schedule = new CronSchedule(expression, cron, executionTime);
    Instant probe = Instant.parse("2000-01-01T00:00:00Z");
    if (schedule.tickAfter(probe).flatMap(schedule::tickAfter).isEmpty()) {
      throw new IllegalArgumentException(
          "invalid cron schedule '" + expression + "': it never fires");
    }
    return schedule;
  }

  @Override
  public String expression() {
    return expression;
  }

  /** The cron expression in force: the expression itself, or the one a preset stands for. */
  public String cron() {
    return cron;
  }

  @Override
  public boolean isManualOnly() {
    return false;
  }

  @Override
  public Optional<DataInterval> firstInterval(Instant startDate) {
    return tickAtOrAfter(Objects.requireNonNull(startDate, "startDate")).flatMap(this::intervalAt);
  }

  @Override
  public List<DataInterval> dueIntervals(Instant startDate, boolean catchup,
      Instant lastLogicalDate, Instant now, int limit) {
    Objects.requireNonNull(startDate, "startDate");
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    Optional<Instant> first = firstUncreatedTick(startDate, lastLogicalDate);
    if (first.isEmpty()) {
      return List.of();
    }
    if (!catchup) {
      Optional<Instant> end = tickAtOrBefore(now);
      Optional<Instant> start = end.flatMap(this::tickBefore);
      if (start.isEmpty() || start.get().isBefore(first.get())) {
        return List.of();
      }
      return List.of(new DataInterval(start.get(), end.get()));
    }
    List<DataInterval> due = new ArrayList<>();
    Optional<DataInterval> next = intervalAt(first.get());
    while (next.isPresent() && !next.get().end().isAfter(now) && due.size() < limit) {
      due.add(next.get());
      next = intervalAt(next.get().end());
    }
    return due;
  }

  @Override
  public List<DataInterval> intervalsBetween(Instant startDate, Instant from, Instant to) {
    Objects.requireNonNull(startDate, "startDate");
    checkRange(from, to);
    Instant lower = from.isBefore(startDate) ? startDate : from;
    List<DataInterval> intervals = new ArrayList<>();
    Optional<DataInterval> next = tickAtOrAfter(lower).flatMap(this::intervalAt);
    while (next.isPresent() && !next.get().start().isAfter(to)) {
      if (intervals.size() == MAX_INTERVALS) {
        throw new IllegalArgumentException("range " + from + " .. " + to + " of schedule '"
            + expression + "' holds more than " + MAX_INTERVALS + " intervals; narrow it");
      }
      intervals.add(next.get());
      next = intervalAt(next.get().end());
    }
    return intervals;
  }

  @Override
  public Optional<Instant> nextRunAfter(Instant startDate, Instant lastLogicalDate, Instant now) {
    return nextInterval(startDate, lastLogicalDate, now).map(DataInterval::end);
  }

  @Override
  public Optional<DataInterval> nextInterval(Instant startDate, Instant lastLogicalDate, Instant now) {
    Objects.requireNonNull(now, "now");
    Optional<Instant> first = firstUncreatedTick(startDate, lastLogicalDate);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    Instant start = first.get();
    Optional<Instant> current = tickAtOrBefore(now);
    if (current.isPresent() && current.get().isAfter(start)) {
      start = current.get();
    }
    return intervalAt(start);
  }

  @Override
  public String toString() {
    return "Schedule[" + expression + "]";
  }

  static void checkRange(Instant from, Instant to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("backfill range start " + from + " is after its end " + to);
    }
  }

  /** The first tick at or after startDate that is also after lastLogicalDate (when given). */
  private Optional<Instant> firstUncreatedTick(Instant startDate, Instant lastLogicalDate) {
    Objects.requireNonNull(startDate, "startDate");
    Optional<Instant> first = tickAtOrAfter(startDate);
    if (lastLogicalDate == null || first.isEmpty() || first.get().isAfter(lastLogicalDate)) {
      return first;
    }
    return tickAfter(lastLogicalDate);
  }

  private Optional<DataInterval> intervalAt(Instant tick) {
    return tickAfter(tick).map(end -> new DataInterval(tick, end));
  }

  private boolean isTick(Instant t) {
    return t.equals(t.truncatedTo(ChronoUnit.MINUTES)) && executionTime.isMatch(utc(t));
  }

  private Optional<Instant> tickAtOrAfter(Instant t) {
    return isTick(t) ? Optional.of(t) : tickAfter(t);
  }

  private Optional<Instant> tickAtOrBefore(Instant t) {
    return isTick(t) ? Optional.of(t) : tickBefore(t);
  }

  /** The first tick strictly after t. */
  private Optional<Instant> tickAfter(Instant t) {
    return executionTime.nextExecution(utc(t)).map(ZonedDateTime::toInstant)
        .filter(next -> next.isAfter(t));
  }

  /** The last tick strictly before t. */
  private Optional<Instant> tickBefore(Instant t) {
    return executionTime.lastExecution(utc(t)).map(ZonedDateTime::toInstant)
        .filter(last -> last.isBefore(t));
  }

  private static ZonedDateTime utc(Instant t) {
    return t.atZone(ZoneOffset.UTC);
  }
}
