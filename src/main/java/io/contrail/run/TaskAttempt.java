package io.contrail.run;

import java.time.Instant;

/**
 * One try of a task instance (task instance history): one row per attempt, kept after the task
 * instance moves on — also when it is cleared — so every attempt's span can be built and its log
 * found. Created by {@link #started} when the try starts and replaced by {@link #finished} when it
 * ends.
 *
 * @param spanId the try's {@code task_attempt} span
 * @param taskSpanId the {@code task_run} span the try belongs to (null for rows written before
 *     clears existed: the task instance's own span)
 */
public record TaskAttempt(TaskInstanceKey key, int tryNumber, String spanId, Placement placement,
    Instant startDate, Instant endDate, AttemptStatus status, String taskSpanId) {

  public TaskAttempt(TaskInstanceKey key, int tryNumber, String spanId, Placement placement,
      Instant startDate, Instant endDate, AttemptStatus status) {
    this(key, tryNumber, spanId, placement, startDate, endDate, status, null);
  }

  /** The attempt of the running task instance's current try, on {@code executor} (null when unknown). */
  public static TaskAttempt started(TaskInstance running, String executor) {
    return new TaskAttempt(running.key(), running.tryNumber(), running.trace().attemptSpanId(),
        new Placement(executor, running.lease().hostname(), running.lease().pid(), running.lease().jobId()),
        running.times().startDate(), null, AttemptStatus.RUNNING, running.trace().spanId());
  }

  /** This try ended at {@code end} as {@code outcome}; {@code pid} is its process, if it had one. */
  public TaskAttempt finished(AttemptStatus outcome, Long pid, Instant end) {
    return new TaskAttempt(key, tryNumber, spanId, new Placement(placement.executor(), placement.hostname(), pid, placement.jobId()),
        startDate, end, outcome, taskSpanId);
  }

  /** The task_run span this try belongs to, given the task instance's current span. */
  public String taskSpanIdOr(String current) {
    return taskSpanId == null ? current : taskSpanId;
  }

  public String dagId() {
    return key.dagId();
  }

  public String runId() {
    return key.runId();
  }

  public String taskId() {
    return key.taskId();
  }

  public TaskState state() {
    return status.state();
  }
}
