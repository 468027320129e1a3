package io.contrail.run;

import java.time.Instant;

/**
 * One try of a task instance (task instance history): one row per attempt, kept after the task
 * instance moves on, so every attempt's span can be built and its log found.
 */
public record TaskAttempt(
    String dagId,
    String runId,
    String taskId,
    int tryNumber,
    TaskState state,
    Instant startDate,
    Instant endDate,
    String hostname,
    Long pid,
    Integer exitCode,
    String error,
    String executor,
    String spanId) {

  public TaskInstanceKey key() {
    return new TaskInstanceKey(dagId, runId, taskId);
  }
}
