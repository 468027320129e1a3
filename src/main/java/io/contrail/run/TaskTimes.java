package io.contrail.run;

import java.time.Duration;
import java.time.Instant;

/**
 * When a task instance was last scheduled, queued, started and ended, and when its next try may
 * start (up_for_retry only); null until it happened.
 */
public record TaskTimes(Instant scheduledAt, Instant queuedAt, Instant startDate, Instant endDate,
    Instant nextRetryAt) {
  public static final TaskTimes NONE = new TaskTimes(null, null, null, null, null);

  public Duration duration() {
    return startDate == null || endDate == null ? null : Duration.between(startDate, endDate);
  }
}
