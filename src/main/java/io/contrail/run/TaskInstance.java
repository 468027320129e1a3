package io.contrail.run;

import java.time.Duration;
import java.time.Instant;

/**
 * One task in one run as stored in the metadata database. Every change returns a new instance
 * through a transition of {@link TaskState}; the stores write it as a compare-and-set on the
 * stored state and try number.
 *
 * @param tries the tries started so far and the tries allowed
 * @param lease the job, host and process holding it while queued or running
 */
public record TaskInstance(TaskInstanceKey key, TaskState state, Tries tries, TaskProfile profile,
    TaskTimes times, Lease lease, TaskTrace trace) {

  /** A new task instance, state none, as created with its run. */
  public static TaskInstance create(TaskInstanceKey key, TaskProfile profile, int maxTries, int traceFlags) {
    return new TaskInstance(key, TaskState.NONE, new Tries(0, maxTries), profile, TaskTimes.NONE,
        Lease.NONE, new TaskTrace(TraceIds.newSpanId(), null, traceFlags));
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

  public int tryNumber() {
    return tries.number();
  }

  public Duration duration() {
    return times.duration();
  }

  /** none or up_for_retry -> scheduled: its upstream tasks allow it to run (again). */
  public TaskInstance toScheduled(Instant now) {
    return moveTo(TaskState.SCHEDULED, tries,
        new TaskTimes(now, times.queuedAt(), times.startDate(), times.endDate(), null), lease, trace);
  }

  /** none -> skipped or upstream_failed: it will not run in this run. */
  public TaskInstance toNotRun(TaskState outcome, Instant now) {
    return moveTo(outcome, tries, new TaskTimes(times.scheduledAt(), times.queuedAt(), now, now, null),
        lease, trace);
  }

  /** scheduled -> queued: handed to an executor of {@code job}; a new try with a new attempt span. */
  public TaskInstance toQueued(Instant now, long job) {
    return moveTo(TaskState.QUEUED, new Tries(tries.number() + 1, tries.max(), tries.handbacks()),
        new TaskTimes(times.scheduledAt(), now, null, null, null), Lease.of(job),
        trace.withAttempt(TraceIds.newSpanId()));
  }

  /**
   * Still queued, now owned by worker job {@code job} on {@code host}: a worker claimed it from the
   * queue (executor = distributed); the try and its attempt span stay the ones the scheduler chose.
   */
  public TaskInstance claimedBy(long job, String host) {
    if (state != TaskState.QUEUED) {
      throw new IllegalStateException(key + " is " + state.id() + ", not queued: it cannot be claimed");
    }
    return new TaskInstance(key, state, tries, profile, times, Lease.of(job).onHost(host), trace);
  }

  /** queued -> scheduled: the executor gave it back before starting it; the try is not used. */
  public TaskInstance toHandedBack() {
    return moveTo(TaskState.SCHEDULED, new Tries(tries.number() - 1, tries.max(), tries.handbacks()),
        new TaskTimes(times.scheduledAt(), null, null, null, null), Lease.NONE, trace.withAttempt(null));
  }

  /** queued -> running on this host. */
  public TaskInstance toRunning(Instant now, String host) {
    return toRunning(now, host, null);
  }

  /**
   * queued -> running on this host as {@code process} (the task's own process, group leader), so
   * a recovering scheduler can tell whether that very process is still alive and kill only it.
   */
  public TaskInstance toRunning(Instant now, String host, ProcessIdentity process) {
    return moveTo(TaskState.RUNNING, tries, new TaskTimes(times.scheduledAt(), times.queuedAt(), now, null, null),
        lease.onHost(host).withProcess(process), trace);
  }

  /**
   * running (or queued, when recovered) -> success, failed or up_for_retry. A failure becomes
   * up_for_retry while tries remain; {@code extraTry} gives the try back (a graceful stop
   * interrupted it) and counts the hand-back.
   */
  public TaskInstance toFinished(boolean succeeded, Instant now, Duration retryDelay, boolean extraTry) {
    Tries newTries = extraTry ? new Tries(tries.number(), tries.max() + 1, tries.handbacks() + 1) : tries;
    Instant start = times.startDate() == null ? now : times.startDate();
    boolean retry = !succeeded && newTries.remaining();
    TaskState next = succeeded ? TaskState.SUCCESS : retry ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
    return moveTo(next, newTries, new TaskTimes(times.scheduledAt(), times.queuedAt(), start, now,
        retry ? now.plus(retryDelay) : null), lease, trace);
  }

  /** running -> failed, whatever tries remain: handed back at more graceful stops than allowed. */
  public TaskInstance toFailedForGood(Instant now) {
    Instant start = times.startDate() == null ? now : times.startDate();
    return moveTo(TaskState.FAILED, tries, new TaskTimes(times.scheduledAt(), times.queuedAt(), start, now, null),
        lease, trace);
  }

  /** restarting -> none: the owner of the try a clear interrupted has stopped it. */
  public TaskInstance toStopped() {
    return moveTo(TaskState.NONE, tries, TaskTimes.NONE, Lease.NONE, trace.withAttempt(null));
  }

  /**
   * A user cleared it (Airflow's clear_task_instances): back to none keeping its try number, so
   * the next try is n+1, with {@code retries} more tries allowed after that one (Airflow's
   * max_tries = try_number + retries). A running one becomes restarting until its owner has
   * stopped it. One that had started gets a new task_run span under {@code parent} (the run's
   * current segment, null for the root) that links to the old one.
   */
  public TaskInstance cleared(int retries, String parent) {
    Tries newTries = new Tries(tries.number(), tries.number() + retries + 1, 0);
    return switch (state) {
      case NONE -> new TaskInstance(key, TaskState.NONE, newTries, profile, times, lease, trace.under(parent));
      case RUNNING, RESTARTING -> new TaskInstance(key, TaskState.RESTARTING, newTries, profile, times, lease,
          state == TaskState.RESTARTING ? trace : trace.nextSpan(parent).withAttempt(trace.attemptSpanId()));
      default -> new TaskInstance(key, TaskState.NONE, newTries, profile, TaskTimes.NONE, Lease.NONE,
          trace.nextSpan(parent));
    };
  }

  /**
   * A user set its state (Airflow's set_state): ended now, started now if it never did. A
   * finished one gets a new task_run span under {@code parent} for the change, as its old span
   * may have been exported already; one that had not started joins {@code parent}'s segment.
   */
  public TaskInstance marked(TaskState target, String parent, Instant now) {
    if (!state.canBeMarked(target)) {
      throw new IllegalStateException("task instance " + key + " cannot be marked " + target.id()
          + " (it is " + state.id() + ")");
    }
    Instant start = times.startDate() == null ? now : times.startDate();
    if (state.isFinished()) {
      return new TaskInstance(key, target, tries, profile, new TaskTimes(null, null, start, now, null), lease,
          trace.nextSpan(parent));
    }
    // a running try's job loses it: its stop watch tells the mark from the try's own end by the job id
    return new TaskInstance(key, target, tries, profile,
        new TaskTimes(times.scheduledAt(), times.queuedAt(), start, now, null), lease.released(),
        state == TaskState.NONE ? trace.under(parent) : trace);
  }

  /** Whether this version of the task instance has another task_run span than {@code before}. */
  public boolean hasNewSpanAfter(TaskInstance before) {
    return !trace.spanId().equals(before.trace.spanId());
  }

  private TaskInstance moveTo(TaskState next, Tries newTries, TaskTimes newTimes, Lease newLease, TaskTrace newTrace) {
    if (next != state && !state.canMoveTo(next)) {
      throw new IllegalStateException("task instance " + key + " cannot move from "
          + state.id() + " to " + next.id());
    }
    return new TaskInstance(key, next, newTries, profile, newTimes, newLease, newTrace);
  }
}
