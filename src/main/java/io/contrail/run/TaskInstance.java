package io.contrail.run;

import java.time.Duration;
import java.time.Instant;

/**
 * One task in one run as stored in the metadata database. {@code tryNumber} counts the tries
 * started so far; {@code spanId} names the task_run span and {@code attemptSpanId} the span of the
 * current (latest) try.
 *
 * @param jobId the scheduler job whose executor holds the task while queued or running
 * @param pid the task's process (group leader) on {@code hostname}, for shell tasks
 */
public record TaskInstance(
    String dagId,
    String runId,
    String taskId,
    TaskState state,
    int tryNumber,
    int maxTries,
    String taskType,
    String pool,
    int poolSlots,
    int priorityWeight,
    Instant scheduledAt,
    Instant queuedAt,
    Instant startDate,
    Instant endDate,
    Instant nextRetryAt,
    String hostname,
    Long pid,
    Long jobId,
    String spanId,
    String attemptSpanId,
    int traceFlags) {

  public TaskInstanceKey key() {
    return new TaskInstanceKey(dagId, runId, taskId);
  }

  public Duration duration() {
    return startDate == null || endDate == null ? null : Duration.between(startDate, endDate);
  }
}
