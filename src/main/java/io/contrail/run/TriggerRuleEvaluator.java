package io.contrail.run;

import io.contrail.api.TriggerRule;
import java.util.Collection;

/**
 * Decides, from the states of a task's direct upstream tasks, whether it runs now, waits, or ends
 * without running — Airflow's trigger rule semantics.
 */
public final class TriggerRuleEvaluator {

  /** What becomes of a task whose state is none. */
  public enum Decision { WAIT, RUN, SKIP, UPSTREAM_FAILED }

  private TriggerRuleEvaluator() {}

  public static Decision evaluate(TriggerRule rule, Collection<TaskState> upstream) {
    int total = upstream.size();
    if (total == 0) {
      return Decision.RUN; // as Airflow: a task without upstream tasks runs, whatever its rule
    }
    int success = 0;
    int failed = 0; // failed or upstream_failed
    int skipped = 0;
    for (TaskState s : upstream) {
      switch (s) {
        case SUCCESS -> success++;
        case FAILED, UPSTREAM_FAILED -> failed++;
        case SKIPPED -> skipped++;
        default -> { }
      }
    }
    int done = success + failed + skipped;
    boolean allDone = done == total;
    return switch (rule) {
      case ALWAYS -> Decision.RUN;
      case ALL_SUCCESS -> {
        if (failed > 0) {
          yield Decision.UPSTREAM_FAILED;
        }
        if (skipped > 0) {
          yield Decision.SKIP;
        }
        yield allDone ? Decision.RUN : Decision.WAIT;
      }
      case ALL_FAILED -> {
        if (success > 0 || skipped > 0) {
          yield Decision.SKIP;
        }
        yield allDone ? Decision.RUN : Decision.WAIT;
      }
      case ALL_DONE -> allDone ? Decision.RUN : Decision.WAIT;
      case ONE_SUCCESS -> {
        if (success > 0) {
          yield Decision.RUN;
        }
        if (!allDone) {
          yield Decision.WAIT;
        }
        yield failed > 0 ? Decision.UPSTREAM_FAILED : Decision.SKIP;
      }
      case ONE_FAILED -> {
        if (failed > 0) {
          yield Decision.RUN;
        }
        yield allDone ? Decision.SKIP : Decision.WAIT;
      }
      case NONE_FAILED -> {
        if (failed > 0) {
          yield Decision.UPSTREAM_FAILED;
        }
        yield allDone ? Decision.RUN : Decision.WAIT;
      }
    };
  }
}
