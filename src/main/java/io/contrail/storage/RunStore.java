package io.contrail.storage;

import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * DAG runs, their task instances and the attempts of each. Every state change is a
 * compare-and-set on the current state (for task instances also the try number and the owning
 * job id) that is applied only while the writing job is still running: it returns false, changing
 * nothing, when another process got there first or the writer has been declared dead.
 */
public interface RunStore {
  /** Creates the run and its task instances in one transaction; false if the run id exists. */
  boolean createRun(DagRun run, List<TaskInstance> taskInstances);

  /** {@link #createRun}, with the run's pending deadline (null for none). */
  default boolean createRun(DagRun run, List<TaskInstance> taskInstances, Instant deadlineAt) {
    return createRun(run, taskInstances);
  }

  Optional<DagRun> findRun(RunKey key);

  /** Newest first; {@code dagId} null for every DAG. */
  List<DagRun> listRuns(String dagId, int limit);

  List<DagRun> runsInState(RunState state);

  int countRuns(String dagId, RunState state);

  /** Logical date of the latest run of these types, for the next scheduled slot. */
  Optional<Instant> latestLogicalDate(String dagId, Collection<io.contrail.run.RunType> types);

  boolean runExists(String dagId, io.contrail.run.RunType type, Instant logicalDate);

  /**
   * Writes {@code next} (its state, start and end date) over the run if it is still in
   * {@code current}'s state and job {@code writer} is still running (null: written by no job);
   * false, changing nothing, when another process moved it first or the writer was declared dead.
   */
  boolean transition(DagRun current, DagRun next, Long writer);

  /** {@link #transition(DagRun, DagRun, Long)} by a process that is no job. */
  default boolean transition(DagRun current, DagRun next) {
    return transition(current, next, null);
  }

  /**
   * {@link #transition(DagRun, DagRun, Long)}, recording the callbacks the change calls for in the
   * same transaction (a store that keeps no callbacks ignores them).
   */
  default boolean transition(DagRun current, DagRun next, List<CallbackRequest> callbacks, Long writer) {
    return transition(current, next, writer);
  }

  List<TaskInstance> taskInstances(RunKey key);

  Optional<TaskInstance> taskInstance(TaskInstanceKey key);

  /** These task instances as stored now (those that exist), in one read. */
  default List<TaskInstance> taskInstances(Collection<TaskInstanceKey> keys) {
    return keys.stream().map(this::taskInstance).flatMap(Optional::stream).toList();
  }

  /** Task instances in these states, across all runs. */
  List<TaskInstance> taskInstancesInStates(Collection<TaskState> states);

  /**
   * Writes the change's {@code after} over the task instance if it is still in {@code before}'s
   * state, try number and owning job, and the change's writer job is still running; the change's
   * attempt, when not null, is inserted or updated in the same transaction.
   */
  boolean update(TaskChange change);

  /**
   * {@link #update} for many changes in one transaction; element i of the result says whether
   * change i was written.
   */
  default boolean[] updateAll(List<TaskChange> changes) {
    boolean[] applied = new boolean[changes.size()];
    for (int i = 0; i < applied.length; i++) {
      applied[i] = update(changes.get(i));
    }
    return applied;
  }

  /** Queued and running task instances per (dag_id, pool): how many, and the pool slots they hold. */
  record ActiveCount(String dagId, String pool, int taskInstances, int slots) {}

  default List<ActiveCount> activeCounts() {
    java.util.Map<List<String>, int[]> counts = new java.util.LinkedHashMap<>();
    for (TaskInstance ti : taskInstancesInStates(List.of(TaskState.QUEUED, TaskState.RUNNING))) {
      int[] c = counts.computeIfAbsent(List.of(ti.dagId(), ti.profile().pool()), k -> new int[2]);
      c[0]++;
      c[1] += ti.profile().poolSlots();
    }
    List<ActiveCount> out = new java.util.ArrayList<>();
    counts.forEach((k, c) -> out.add(new ActiveCount(k.get(0), k.get(1), c[0], c[1])));
    return out;
  }

  /** How many task instances are queued and how many running, across all runs: {queued, running}. */
  default int[] queuedAndRunning() {
    int[] counts = new int[2];
    for (TaskInstance ti : taskInstancesInStates(List.of(TaskState.QUEUED, TaskState.RUNNING))) {
      counts[ti.state() == TaskState.QUEUED ? 0 : 1]++;
    }
    return counts;
  }

  /** Attempts of one run, ordered by task and try. */
  List<TaskAttempt> attempts(RunKey key);

  /**
   * The run's task instances with these task ids: what the span outbox reads for a batch of a
   * large run's spans instead of the whole run.
   */
  default List<TaskInstance> taskInstances(RunKey key, Collection<String> taskIds) {
    java.util.Set<String> ids = java.util.Set.copyOf(taskIds);
    return taskInstances(key).stream().filter(ti -> ids.contains(ti.taskId())).toList();
  }

  /** The run's attempts of these task ids, each task's ordered by try. */
  default List<TaskAttempt> attempts(RunKey key, Collection<String> taskIds) {
    java.util.Set<String> ids = java.util.Set.copyOf(taskIds);
    return attempts(key).stream().filter(a -> ids.contains(a.taskId())).toList();
  }

  /** The task_run spans a clear or mark replaced of these task ids, each task's oldest first. */
  default List<TaskInstance> taskSegments(RunKey key, Collection<String> taskIds) {
    java.util.Set<String> ids = java.util.Set.copyOf(taskIds);
    return taskSegments(key).stream().filter(ti -> ids.contains(ti.taskId())).toList();
  }

  Optional<TaskAttempt> attempt(TaskInstanceKey key, int tryNumber);

  /** Segments of the run's trace that a clear or mark ended (the root first), oldest first. */
  default List<DagRun> runSegments(RunKey key) {
    return List.of();
  }

  /** task_run spans a clear or mark replaced, oldest first. */
  default List<TaskInstance> taskSegments(RunKey key) {
    return List.of();
  }

  /** Events recorded on the run's spans after the fact (marks, stops, a missed deadline), oldest first. */
  default List<SpanEvent> spanEvents(RunKey key) {
    return List.of();
  }
}
