package io.contrail.operations;

import io.contrail.api.Dag;
import io.contrail.api.Deadline;
import io.contrail.api.TaskDefinition;
import io.contrail.run.AttemptStatus;
import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.RunState;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what a clear or mark does to one run, from the run as stored (no database, no clock of
 * its own), with Airflow's semantics: a clear keeps the try history and allows the task's retries
 * again; a mark of a task clears its failed downstream so it can resume; marking a run sets its
 * running tasks too and skips what has not finished. A running try is stopped: it is recorded as
 * failed "stopped by user" and its owner kills it.
 */
final class OperationPlanner {
  static final String STOPPED = "stopped by user";
  static final String EVENT = "contrail.marked";

  /** A run as stored: its DAG, its task instances, and the attempt row of a running try. */
  record Snapshot(Dag dag, DagRun run, List<TaskInstance> taskInstances, Function<TaskInstance, TaskAttempt> attempts) {
    Map<String, TaskInstance> byTaskId() {
      Map<String, TaskInstance> m = new LinkedHashMap<>();
      taskInstances.forEach(ti -> m.put(ti.taskId(), ti));
      return m;
    }
  }

  private OperationPlanner() {}

  /** Clears the selected task instances; a finished run goes back to queued when {@code resetRun}. */
  static RunChange clear(Snapshot s, TaskSelection selection, boolean resetRun, Instant now, String actor) {
    Set<String> ids = selected(s.dag(), selection.taskIds(), selection.upstream(), selection.downstream());
    List<TaskInstance> chosen = new ArrayList<>();
    for (TaskInstance ti : s.taskInstances()) {
      if (ids != null && !ids.contains(ti.taskId()) || ti.state() == TaskState.RESTARTING) {
        continue; // a restarting task instance is being cleared already
      }
      boolean failed = ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED;
      if (selection.onlyFailed() && !failed || selection.onlyRunning() && ti.state() != TaskState.RUNNING) {
        continue;
      }
      chosen.add(ti);
    }
    DagRun before = s.run();
    if (chosen.isEmpty()) {
      return new RunChange(before, before, List.of(), List.of(), now, null);
    }
    DagRun after = resetRun ? before.cleared(now) : before;
    List<SpanEvent> events = new ArrayList<>();
    List<TaskChange> changes = clearAll(s, chosen, after, now, actor, events);
    events.add(event(after, after.trace().currentSpanId(), now, actor, "clear", after.state().id(), before.state().id(),
        names(chosen)));
    return new RunChange(before, after, changes, events, now, rearmedDeadline(s.dag(), before, after, now));
  }

  /** Marks one task instance (and its relatives when asked); its failed downstream is cleared to resume. */
  static RunChange markTask(Snapshot s, String taskId, TaskState target, boolean upstream, boolean downstream,
      Instant now, String actor) {
    Map<String, TaskInstance> byId = s.byTaskId();
    if (!byId.containsKey(taskId)) {
      throw OperationException.notFound("run " + s.run().key() + " has no task instance '" + taskId + "'");
    }
    Set<String> ids = selected(s.dag(), List.of(taskId), upstream, downstream);
    List<TaskInstance> marked = s.taskInstances().stream()
        .filter(ti -> ids.contains(ti.taskId()) && ti.state() != target).toList();
    if (marked.isEmpty()) {
      throw OperationException.conflict("task " + taskId + " of run " + s.run().key() + " is already in "
          + target.id() + " state");
    }
    Set<String> markedIds = new LinkedHashSet<>(names(marked));
    Set<String> below = selected(s.dag(), List.of(taskId), false, true);
    List<TaskInstance> toResume = s.taskInstances().stream()
        .filter(ti -> below.contains(ti.taskId()) && !markedIds.contains(ti.taskId()))
        .filter(ti -> ti.state() == TaskState.FAILED || ti.state() == TaskState.UPSTREAM_FAILED).toList();
    DagRun before = s.run();
    DagRun after = toResume.isEmpty() ? before : before.cleared(now);
    String parent = after.trace().segment().spanId();
    List<SpanEvent> events = new ArrayList<>();
    List<TaskChange> changes = new ArrayList<>();
    for (TaskInstance ti : marked) {
      TaskInstance next = ti.marked(target, parent, now);
      changes.add(new TaskChange(ti, next, stopped(s, ti, now, actor, events)));
      events.add(event(after, next.trace().spanId(), now, actor, "mark", target.id(), ti.state().id(), null));
    }
    changes.addAll(clearAll(s, toResume, after, now, actor, events));
    return new RunChange(before, after, changes, events, now, rearmedDeadline(s.dag(), before, after, now));
  }

  /**
   * Marks the run. To success or failed: its running task instances get that state (their tries
   * stopped), the others that have not finished are skipped, finished ones keep theirs. To queued:
   * the run alone, as Airflow does.
   */
  static RunChange markRun(Snapshot s, RunState target, Instant now, String actor) {
    DagRun before = s.run();
    if (!before.state().canBeMarked(target)) {
      throw target == before.state()
          ? OperationException.conflict("run " + before.key() + " is already " + target.id())
          : OperationException.invalid("a run can be marked success, failed or queued, not " + target.id());
    }
    DagRun after = before.marked(target, now);
    String parent = after.trace().segment().spanId();
    List<SpanEvent> events = new ArrayList<>();
    List<TaskChange> changes = new ArrayList<>();
    if (target.isFinished()) {
      TaskState taskTarget = target == RunState.SUCCESS ? TaskState.SUCCESS : TaskState.FAILED;
      for (TaskInstance ti : s.taskInstances()) {
        boolean running = ti.state() == TaskState.RUNNING || ti.state() == TaskState.RESTARTING;
        if (ti.state().isFinished() || !running && ti.state() == TaskState.SKIPPED) {
          continue;
        }
        TaskState next = running ? taskTarget : TaskState.SKIPPED;
        TaskInstance marked = ti.marked(next, parent, now);
        changes.add(new TaskChange(ti, marked, stopped(s, ti, now, actor, events)));
        events.add(event(after, marked.trace().spanId(), now, actor, "mark", next.id(), ti.state().id(), null));
      }
    }
    events.add(event(after, after.trace().currentSpanId(), now, actor, "mark", target.id(), before.state().id(), null));
    return new RunChange(before, after, changes, events, now,
        target == RunState.QUEUED ? rearmedDeadline(s.dag(), before, after, now) : null);
  }

  private static List<TaskChange> clearAll(Snapshot s, List<TaskInstance> chosen, DagRun runAfter, Instant now,
      String actor, List<SpanEvent> events) {
    String parent = runAfter.trace().segment().spanId();
    List<TaskChange> changes = new ArrayList<>();
    for (TaskInstance ti : chosen) {
      changes.add(new TaskChange(ti, ti.cleared(retries(s.dag(), ti), parent), stopped(s, ti, now, actor, events)));
    }
    return changes;
  }

  /** The task's retries; for a task gone from the DAG, what keeps max_tries at least what it was (as Airflow). */
  private static int retries(Dag dag, TaskInstance ti) {
    TaskDefinition task = dag == null ? null : dag.taskIndex().get(ti.taskId());
    return task != null ? task.retry().retries() : Math.max(0, ti.tries().max() - ti.tryNumber() - 1);
  }

  /** The running try, recorded as failed "stopped by user" (null when it is not running). */
  private static TaskAttempt stopped(Snapshot s, TaskInstance ti, Instant now, String actor, List<SpanEvent> events) {
    if (ti.state() != TaskState.RUNNING) {
      return null;
    }
    TaskAttempt current = s.attempts().apply(ti);
    TaskAttempt base = current != null ? current : TaskAttempt.started(ti, null);
    if (base.state() != TaskState.RUNNING) {
      return null; // its owner recorded its end already
    }
    events.add(event(s.run(), base.spanId(), now, actor, "stop", TaskState.FAILED.id(), TaskState.RUNNING.id(), null));
    return base.finished(AttemptStatus.failed(null, STOPPED + " (" + actor + ")"), base.placement().pid(), now);
  }

  /** A deadline counted from queued starts again when the run is queued again (Airflow does the same). */
  private static Instant rearmedDeadline(Dag dag, DagRun before, DagRun after, Instant now) {
    Deadline d = dag == null ? null : dag.deadline();
    boolean requeued = after.state() == RunState.QUEUED && before.state() != RunState.QUEUED;
    return d != null && requeued && d.after() == Deadline.Reference.QUEUED ? d.dueAt(now, after.spec().logicalDate())
        : null;
  }

  /**
   * The task ids named plus everything upstream or downstream of them, transitively; null for
   * every task when none are named.
   */
  static Set<String> selected(Dag dag, List<String> taskIds, boolean upstream, boolean downstream) {
    if (taskIds == null) {
      return null;
    }
    for (String id : taskIds) {
      if (dag != null && !dag.taskIndex().containsKey(id)) {
        throw OperationException.notFound("DAG '" + dag.dagId() + "' has no task '" + id + "'");
      }
    }
    Set<String> out = new LinkedHashSet<>(taskIds);
    if (dag == null) {
      return out;
    }
    if (downstream) {
      walk(taskIds, dag.downstreamMap()::get, out);
    }
    if (upstream) {
      walk(taskIds, id -> dag.task(id).dependsOn(), out);
    }
    return out;
  }

  private static void walk(List<String> start, Function<String, List<String>> next, Set<String> out) {
    Deque<String> todo = new ArrayDeque<>(start);
    Set<String> seen = new LinkedHashSet<>(start);
    while (!todo.isEmpty()) {
      for (String n : next.apply(todo.pop())) {
        if (seen.add(n)) {
          out.add(n);
          todo.add(n);
        }
      }
    }
  }

  private static List<String> names(List<TaskInstance> tis) {
    return tis.stream().map(TaskInstance::taskId).toList();
  }

  private static SpanEvent event(DagRun run, String spanId, Instant at, String actor, String action, String state,
      String from, List<String> tasks) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("contrail.marked.action", action);
    a.put("contrail.marked.state", state);
    a.put("contrail.marked.previous_state", from);
    a.put("contrail.marked.by", actor == null ? "unknown" : actor);
    if (tasks != null) {
      a.put("contrail.marked.tasks", String.join(",", tasks));
    }
    return new SpanEvent(run.key(), spanId, at, EVENT, a);
  }
}
