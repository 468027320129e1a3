package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TriggerRuleEvaluator;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's working copy of one running DAG run: its task instances, and which of them may
 * have become runnable since the last decision. A finished task marks only its downstream tasks
 * for evaluation, so advancing a run after one task costs work proportional to that task's
 * neighbours, not to the size of the DAG. The database stays the truth: the copy is rebuilt from
 * it every full loop, and whenever a compare-and-set shows another process changed a row.
 */
final class RunProgress {
  private final DagRun run;
  private final Dag dag;
  private final Map<String, List<String>> downstream;
  private final Map<String, TaskInstance> tis = new HashMap<>();
  private final Set<String> candidates = new LinkedHashSet<>();
  private final Set<String> retrying = new LinkedHashSet<>();
  private int unfinished;

  private RunProgress(DagRun run, Dag dag, Map<String, List<String>> downstream) {
    this.run = run;
    this.dag = dag;
    this.downstream = downstream;
  }

  /** A copy of the stored rows in which every task waiting to run is a candidate. */
  static RunProgress of(DagRun run, Dag dag, Map<String, List<String>> downstream, List<TaskInstance> rows) {
    RunProgress p = new RunProgress(run, dag, downstream);
    for (TaskInstance ti : rows) {
      p.tis.put(ti.taskId(), ti);
      if (!ti.state().isFinished()) {
        p.unfinished++;
      }
      if (ti.state() == TaskState.NONE) {
        p.candidates.add(ti.taskId());
      } else if (ti.state() == TaskState.UP_FOR_RETRY) {
        p.retrying.add(ti.taskId());
      }
    }
    return p;
  }

  DagRun run() {
    return run;
  }

  Dag dag() {
    return dag;
  }

  Iterable<TaskInstance> taskInstances() {
    return tis.values();
  }

  /** Takes a newer version of one task instance (written by us or reported by the executor). */
  void update(TaskInstance ti) {
    TaskInstance old = tis.put(ti.taskId(), ti);
    boolean wasFinished = old != null && old.state().isFinished();
    if (ti.state().isFinished() && !wasFinished) {
      unfinished--;
      candidates.addAll(downstream.getOrDefault(ti.taskId(), List.of()));
    } else if (!ti.state().isFinished() && wasFinished) {
      unfinished++;
    }
    if (ti.state() == TaskState.UP_FOR_RETRY) {
      retrying.add(ti.taskId());
    } else {
      retrying.remove(ti.taskId());
    }
  }

  /** Decides the candidates (cascading through skipped and upstream_failed) and applies the result here. */
  RunDecision decide(Instant now) {
    List<TaskChange> changes = new ArrayList<>();
    Instant nextRetry = null;
    for (String id : List.copyOf(retrying)) {
      TaskInstance ti = tis.get(id);
      Instant retryAt = ti.times().nextRetryAt();
      if (retryAt == null || !retryAt.isAfter(now)) {
        change(ti, ti.toScheduled(now), changes);
      } else if (nextRetry == null || retryAt.isBefore(nextRetry)) {
        nextRetry = retryAt;
      }
    }
    Deque<String> work = new ArrayDeque<>(candidates);
    candidates.clear();
    while (!work.isEmpty()) {
      TaskInstance ti = tis.get(work.pop());
      if (ti == null || ti.state() != TaskState.NONE) {
        continue;
      }
      TaskDefinition task = dag.taskIndex().get(ti.taskId());
      if (task == null) {
        continue; // task removed from the DAG after this run was created
      }
      List<TaskState> upstream = new ArrayList<>(task.dependsOn().size());
      for (String up : task.dependsOn()) {
        TaskInstance u = tis.get(up);
        upstream.add(u == null ? TaskState.SUCCESS : u.state());
      }
      TaskInstance next = switch (TriggerRuleEvaluator.evaluate(task.triggerRule(), upstream)) {
        case RUN -> ti.toScheduled(now);
        case SKIP -> ti.toNotRun(TaskState.SKIPPED, now);
        case UPSTREAM_FAILED -> ti.toNotRun(TaskState.UPSTREAM_FAILED, now);
        case WAIT -> null;
      };
      if (next != null) {
        change(ti, next, changes); // a finished task makes its downstream candidates
        work.addAll(candidates);
        candidates.clear();
      }
    }
    return new RunDecision(changes, outcome(), nextRetry);
  }

  private void change(TaskInstance before, TaskInstance after, List<TaskChange> changes) {
    changes.add(TaskChange.of(before, after));
    update(after);
  }

  /** Airflow's rule: when all tasks are finished, the run failed if any leaf failed or upstream_failed. */
  RunState outcome() {
    if (unfinished > 0) {
      return null;
    }
    for (String leaf : dag.leaves()) {
      TaskInstance ti = tis.get(leaf);
      if (ti != null && (ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED)) {
        return RunState.FAILED;
      }
    }
    return RunState.SUCCESS;
  }
}
