package io.contrail.run;

import java.time.Instant;

/** When a run was queued, started and ended (null until it happened). */
public record RunTimes(Instant queuedAt, Instant startDate, Instant endDate) {
  public static RunTimes queued(Instant at) {
    return new RunTimes(at, null, null);
  }
}
