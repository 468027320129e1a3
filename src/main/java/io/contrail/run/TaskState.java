package io.contrail.run;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The task instance state machine. Every change goes through {@link #canMoveTo}; the stores apply
 * it as a compare-and-set on the current state, so two processes never both win a transition.
 *
 * <pre>
 * none -> scheduled -> queued -> running -> success | failed | up_for_retry
 * none -> upstream_failed | skipped            up_for_retry -> scheduled
 * queued -> scheduled (handed back)            queued | running -> failed | up_for_retry (recovered)
 * restarting -> none (its owner stopped the try a clear interrupted)
 * </pre>
 *
 * <p>A user's operations (Airflow's clear and mark) are not scheduler transitions and have their
 * own rules: {@link #clearedState} and {@link #canBeMarked}. A clear of a running task instance
 * does not free it at once: it becomes {@code restarting} (Airflow's state of the same name) until
 * the process that owns the try has killed it, so a new try never overlaps the old one.
 */
public enum TaskState {
  NONE, SCHEDULED, QUEUED, RUNNING, SUCCESS, FAILED, UP_FOR_RETRY, UPSTREAM_FAILED, SKIPPED, RESTARTING;

  private static final Map<TaskState, Set<TaskState>> NEXT = Map.of(
      NONE, EnumSet.of(SCHEDULED, UPSTREAM_FAILED, SKIPPED),
      SCHEDULED, EnumSet.of(QUEUED, NONE),
      QUEUED, EnumSet.of(RUNNING, SCHEDULED, FAILED, UP_FOR_RETRY),
      RUNNING, EnumSet.of(SUCCESS, FAILED, UP_FOR_RETRY),
      UP_FOR_RETRY, EnumSet.of(SCHEDULED, FAILED),
      SUCCESS, EnumSet.noneOf(TaskState.class),
      FAILED, EnumSet.noneOf(TaskState.class),
      UPSTREAM_FAILED, EnumSet.noneOf(TaskState.class),
      SKIPPED, EnumSet.noneOf(TaskState.class),
      RESTARTING, EnumSet.of(NONE));

  /** The states a user may mark a task instance with (Airflow's PATCH new_state). */
  public static final Set<TaskState> MARKABLE = EnumSet.of(SUCCESS, FAILED, SKIPPED);

  public boolean canMoveTo(TaskState next) {
    return NEXT.get(this).contains(next);
  }

  /** success, failed, upstream_failed or skipped: nothing more will happen to it in this run. */
  public boolean isFinished() {
    return this == SUCCESS || this == FAILED || this == UPSTREAM_FAILED || this == SKIPPED;
  }

  /** Holds executor capacity: queued, running, or restarting (running until its owner stops it). */
  public boolean isActive() {
    return this == QUEUED || this == RUNNING || this == RESTARTING;
  }

  /** Where a user's clear takes a task instance in this state: running ones restart, the rest go to none. */
  public TaskState clearedState() {
    return this == RUNNING || this == RESTARTING ? RESTARTING : NONE;
  }

  /** A user may set {@code target} (success, failed or skipped) over any other state. */
  public boolean canBeMarked(TaskState target) {
    return MARKABLE.contains(target) && this != target;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskState parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
