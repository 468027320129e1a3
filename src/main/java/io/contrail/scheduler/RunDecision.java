package io.contrail.scheduler;

import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TriggerRuleEvaluator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler does with one running DAG run, decided from its task instances alone (no
 * database, no threads): which tasks become scheduled, skipped or upstream_failed, and whether the
 * run is finished. Decisions cascade within one call, so a failure marks the whole downstream
 * upstream_failed at once.
 *
 * @param changes task instances to write, each the next state of the stored one at the same index
 *     of {@code previous}
 * @param outcome the run's final state when every task is finished, else null
 * @param nextRetryAt the earliest time an up_for_retry task becomes runnable, else null
 */
public record RunDecision(List<TaskInstance> previous, List<TaskInstance> changes, RunState outcome,
    Instant nextRetryAt) {

  public static RunDecision decide(Dag dag, List<TaskInstance> taskInstances, Instant now) {
    Map<String, TaskInstance> current = new HashMap<>();
    for (TaskInstance ti : taskInstances) {
      current.put(ti.taskId(), ti);
    }
    List<TaskInstance> previous = new ArrayList<>();
    List<TaskInstance> changes = new ArrayList<>();
    Instant nextRetry = null;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (TaskDefinition task : dag.tasks()) {
        TaskInstance ti = current.get(task.taskId());
        if (ti == null) {
          continue; // task added to the DAG after this run was created
        }
        TaskInstance next = null;
        if (ti.state() == TaskState.NONE) {
          List<TaskState> upstream = new ArrayList<>();
          for (String up : task.dependsOn()) {
            TaskInstance u = current.get(up);
            upstream.add(u == null ? TaskState.SUCCESS : u.state());
          }
          next = switch (TriggerRuleEvaluator.evaluate(task.triggerRule(), upstream)) {
            case RUN -> ti.toScheduled(now);
            case SKIP -> ti.toNotRun(TaskState.SKIPPED, now);
            case UPSTREAM_FAILED -> ti.toNotRun(TaskState.UPSTREAM_FAILED, now);
            case WAIT -> null;
          };
        } else if (ti.state() == TaskState.UP_FOR_RETRY && ti.nextRetryAt() != null) {
          if (!ti.nextRetryAt().isAfter(now)) {
            next = ti.toScheduled(now);
          } else if (nextRetry == null || ti.nextRetryAt().isBefore(nextRetry)) {
            nextRetry = ti.nextRetryAt();
          }
        }
        if (next != null) {
          previous.add(ti);
          changes.add(next);
          current.put(ti.taskId(), next);
          changed = true;
        }
      }
    }
    return new RunDecision(previous, changes, outcome(dag, current), nextRetry);
  }

  /** Airflow's rule: when all tasks are finished, the run failed if any leaf failed or upstream_failed. */
  static RunState outcome(Dag dag, Map<String, TaskInstance> current) {
    for (TaskInstance ti : current.values()) {
      if (!ti.state().isFinished()) {
        return null;
      }
    }
    for (String leaf : dag.leaves()) {
      TaskInstance ti = current.get(leaf);
      if (ti != null && (ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED)) {
        return RunState.FAILED;
      }
    }
    return RunState.SUCCESS;
  }
}
