package io.contrail.run;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The DAG run state machine: queued, running, then success or failed. Every change goes through
 * {@link #canMoveTo}; the stores apply it as a compare-and-set on the current state, so of two
 * schedulers starting or finishing the same run only one wins.
 *
 * <pre>
 * queued -> running -> success | failed
 * </pre>
 *
 * <p>A user's operations have their own rule, {@link #canBeMarked}: Airflow lets a run be set to
 * success, failed or queued from any other state, and a clear takes a finished run back to queued.
 */
public enum RunState {
  QUEUED, RUNNING, SUCCESS, FAILED;

  private static final Map<RunState, Set<RunState>> NEXT = Map.of(
      QUEUED, EnumSet.of(RUNNING),
      RUNNING, EnumSet.of(SUCCESS, FAILED),
      SUCCESS, EnumSet.noneOf(RunState.class),
      FAILED, EnumSet.noneOf(RunState.class));

  public boolean canMoveTo(RunState next) {
    return NEXT.get(this).contains(next);
  }

  /** A user may set {@code target} over this state (Airflow's PATCH dagRun: queued, success, failed). */
  public boolean canBeMarked(RunState target) {
    return target != RUNNING && target != this;
  }

  public boolean isFinished() {
    return this == SUCCESS || this == FAILED;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunState parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
