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

  /** A new task instance, state none, as created with its run. */
  public static TaskInstance create(String dagId, String runId, String taskId, String taskType,
      int maxTries, String pool, int poolSlots, int priorityWeight, int traceFlags) {
    return new TaskInstance(dagId, runId, taskId, TaskState.NONE, 0, maxTries, taskType, pool,
        poolSlots, priorityWeight, null, null, null, null, null, null, null, null,
        TraceIds.newSpanId(), null, traceFlags);
  }

  private TaskInstance with(TaskState newState, int newTry, int newMaxTries, Instant newScheduledAt,
      Instant newQueuedAt, Instant newStart, Instant newEnd, Instant newNextRetry,
      String newHostname, Long newPid, Long newJobId, String newAttemptSpanId) {
    if (newState != state && !state.canMoveTo(newState)) {
      throw new IllegalStateException("task instance " + key() + " cannot move from "
          + state.id() + " to " + newState.id());
    }
    return new TaskInstance(dagId, runId, taskId, newState, newTry, newMaxTries, taskType, pool,
        poolSlots, priorityWeight, newScheduledAt, newQueuedAt, newStart, newEnd, newNextRetry,
        newHostname, newPid, newJobId, spanId, newAttemptSpanId, traceFlags);
  }

  /** none or up_for_retry -> scheduled: its upstream tasks allow it to run (again). */
  public TaskInstance toScheduled(Instant now) {
    return with(TaskState.SCHEDULED, tryNumber, maxTries, now, queuedAt, startDate, endDate, null,
        hostname, pid, jobId, attemptSpanId);
  }

  /** none -> skipped or upstream_failed: it will not run in this run. */
  public TaskInstance toNotRun(TaskState outcome, Instant now) {
    return with(outcome, tryNumber, maxTries, scheduledAt, queuedAt, now, now, null, hostname,
        pid, jobId, attemptSpanId);
  }

  /** scheduled -> queued: handed to an executor of {@code job}; a new try with a new attempt span. */
  public TaskInstance toQueued(Instant now, long job) {
    return with(TaskState.QUEUED, tryNumber + 1, maxTries, scheduledAt, now, null, null, null,
        null, null, job, TraceIds.newSpanId());
  }

  /** queued -> scheduled: the executor gave it back before starting it; the try is not used. */
  public TaskInstance toHandedBack() {
    return with(TaskState.SCHEDULED, tryNumber - 1, maxTries, scheduledAt, null, null, null, null,
        null, null, null, null);
  }

  /** queued -> running on this host. */
  public TaskInstance toRunning(Instant now, String host) {
    return with(TaskState.RUNNING, tryNumber, maxTries, scheduledAt, queuedAt, now, null, null,
        host, null, jobId, attemptSpanId);
  }

  /** Records the pid of the task's process (group leader), so a recovering scheduler can kill it. */
  public TaskInstance withPid(long newPid) {
    return with(state, tryNumber, maxTries, scheduledAt, queuedAt, startDate, endDate, nextRetryAt,
        hostname, newPid, jobId, attemptSpanId);
  }

  /**
   * running (or queued, when recovered) -> success, failed or up_for_retry. A failure becomes
   * up_for_retry while tries remain; {@code extraTry} gives the try back (shutdown interrupted it).
   */
  public TaskInstance toFinished(boolean succeeded, Instant now, java.time.Duration retryDelay,
      boolean extraTry) {
    int newMax = extraTry ? maxTries + 1 : maxTries;
    if (succeeded) {
      return with(TaskState.SUCCESS, tryNumber, newMax, scheduledAt, queuedAt, startDateOr(now),
          now, null, hostname, pid, jobId, attemptSpanId);
    }
    boolean retry = tryNumber < newMax;
    return with(retry ? TaskState.UP_FOR_RETRY : TaskState.FAILED, tryNumber, newMax, scheduledAt,
        queuedAt, startDateOr(now), now, retry ? now.plus(retryDelay) : null, hostname, pid, jobId,
        attemptSpanId);
  }

  private Instant startDateOr(Instant now) {
    return startDate == null ? now : startDate;
  }
}
