package io.contrail.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * The half-open slice of time {@code [start, end)} a scheduled run processes, as in Airflow; its
 * logical date is {@code start}. For {@code @once} schedules start and end are equal.
 */
public record DataInterval(Instant start, Instant end) {
  public DataInterval {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("interval end " + end + " is before start " + start);
    }
  }

  /** The run's logical date: the start of the interval. */
  public Instant logicalDate() {
    return start;
  }
}
