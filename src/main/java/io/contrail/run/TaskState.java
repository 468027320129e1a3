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
 * </pre>
 */
public enum TaskState {
  NONE, SCHEDULED, QUEUED, RUNNING, SUCCESS, FAILED, UP_FOR_RETRY, UPSTREAM_FAILED, SKIPPED;

  private static final Map<TaskState, Set<TaskState>> NEXT = Map.of(
      NONE, EnumSet.of(SCHEDULED, UPSTREAM_FAILED, SKIPPED),
      SCHEDULED, EnumSet.of(QUEUED, NONE),
      QUEUED, EnumSet.of(RUNNING, SCHEDULED, FAILED, UP_FOR_RETRY),
      RUNNING, EnumSet.of(SUCCESS, FAILED, UP_FOR_RETRY),
      UP_FOR_RETRY, EnumSet.of(SCHEDULED, FAILED),
      SUCCESS, EnumSet.noneOf(TaskState.class),
      FAILED, EnumSet.noneOf(TaskState.class),
      UPSTREAM_FAILED, EnumSet.noneOf(TaskState.class),
      SKIPPED, EnumSet.noneOf(TaskState.class));

  public boolean canMoveTo(TaskState next) {
    return NEXT.get(this).contains(next);
  }

  /** success, failed, upstream_failed or skipped: nothing more will happen to it in this run. */
  public boolean isFinished() {
    return this == SUCCESS || this == FAILED || this == UPSTREAM_FAILED || this == SKIPPED;
  }

  /** Holds executor capacity: queued or running. */
  public boolean isActive() {
    return this == QUEUED || this == RUNNING;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskState parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
