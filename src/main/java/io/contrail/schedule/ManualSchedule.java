package io.contrail.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A schedule that never creates runs on its own; runs come only from triggers. */
final class ManualSchedule implements Schedule {
  static final ManualSchedule INSTANCE = new ManualSchedule();

  private ManualSchedule() {}

  @Override
  public String expression() {
    return "null";
  }

  @Override
  public boolean isManualOnly() {
    return true;
  }

  @Override
  public Optional<DataInterval> firstInterval(Instant startDate) {
    return Optional.empty();
  }

  @Override
  public List<DataInterval> dueIntervals(Instant startDate, boolean catchup,
      Instant lastLogicalDate, Instant now, int limit) {
    return List.of();
  }

  @Override
  public List<DataInterval> intervalsBetween(Instant startDate, Instant from, Instant to) {
    throw new IllegalArgumentException("DAG has no schedule to backfill (schedule is null)");
  }

  @Override
  public Optional<Instant> nextRunAfter(Instant startDate, Instant lastLogicalDate, Instant now) {
    return Optional.empty();
  }

  @Override
  public Optional<DataInterval> nextInterval(Instant startDate, Instant lastLogicalDate, Instant now) {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "Schedule[manual]";
  }
}
