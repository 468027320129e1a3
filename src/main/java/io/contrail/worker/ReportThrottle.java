package io.contrail.worker;

import java.time.Duration;

/**
 * When a worker writes its row (state and running count for {@code workers list}): at once when
 * the job or the state changed, else once per interval. Used by the worker's claim thread only.
 */
final class ReportThrottle {
  private final long intervalNanos;
  private long lastJob = -1;
  private String lastState;
  private long lastAt;

  ReportThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Whether to write now; if so, it counts as written. */
  boolean due(long job, String state, long nowNanos) {
    if (job == lastJob && state.equals(lastState) && nowNanos - lastAt < intervalNanos) {
      return false;
    }
    lastJob = job;
    lastState = state;
    lastAt = nowNanos;
    return true;
  }
}
