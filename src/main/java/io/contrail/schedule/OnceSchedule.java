package io.contrail.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code @once} schedule: a single run with the empty interval {@code [startDate, startDate]},
 * due as soon as the start date has passed, and never again once created.
 */
final class OnceSchedule implements Schedule {
  private final String expression;

  OnceSchedule(String expression) {
    this.expression = expression;
  }

  @Override
  public String expression() {
    return expression;
  }

  @Override
  public boolean isManualOnly() {
    return false;
  }

  @Override
  public Optional<DataInterval> firstInterval(Instant startDate) {
    return Optional.of(new DataInterval(startDate, startDate));
  }

  @Override
  public List<DataInterval> dueIntervals(Instant startDate, boolean catchup,
      Instant lastLogicalDate, Instant now, int limit) {
    Objects.requireNonNull(startDate, "startDate");
    Objects.requireNonNull(now, "now");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    if (lastLogicalDate != null || now.isBefore(startDate)) {
      return List.of();
    }
    return List.of(new DataInterval(startDate, startDate));
  }

  @Override
  public List<DataInterval> intervalsBetween(Instant startDate, Instant from, Instant to) {
    CronSchedule.checkRange(from, to);
    if (startDate.isBefore(from) || startDate.isAfter(to)) {
      return List.of();
    }
    return List.of(new DataInterval(startDate, startDate));
  }

  @Override
  public Optional<Instant> nextRunAfter(Instant startDate, Instant lastLogicalDate, Instant now) {
    if (lastLogicalDate != null || !startDate.isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(startDate);
  }

  @Override
  public Optional<DataInterval> nextInterval(Instant startDate, Instant lastLogicalDate, Instant now) {
    return nextRunAfter(startDate, lastLogicalDate, now).map(t -> new DataInterval(t, t));
  }

  @Override
  public String toString() {
    return "Schedule[" + expression + "]";
  }
}
