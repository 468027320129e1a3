package io.contrail.storage.memory;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.RunTimes;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.run.TaskTrace;
import io.contrail.storage.RunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link RunStore} in memory, behaving like {@code JdbcRunStore}: the same orderings, and every
 * task instance update a compare-and-set on state and try number that writes only the columns the
 * JDBC update writes. Synchronized, so executor threads may use it too.
 */
public final class InMemoryRunStore implements RunStore {
  private static final Comparator<DagRun> OLDEST_FIRST =
      Comparator.comparing((DagRun r) -> r.times().queuedAt()).thenComparing(DagRun::runId);
  private static final Comparator<TaskInstance> BY_KEY = Comparator.comparing(TaskInstance::dagId)
      .thenComparing(TaskInstance::runId).thenComparing(TaskInstance::taskId);

  private final InMemoryJobStore jobs;
  private final Map<RunKey, DagRun> runs = new LinkedHashMap<>();
  private final Map<TaskInstanceKey, TaskInstance> taskInstances = new LinkedHashMap<>();
  private final Map<TaskInstanceKey, TreeMap<Integer, TaskAttempt>> attempts = new LinkedHashMap<>();

  /** Runs whose writers' jobs are looked up in {@code jobs}, as the JDBC store reads the job table. */
  public InMemoryRunStore(InMemoryJobStore jobs) {
    this.jobs = jobs;
  }

  /** The writer's job must still be running, as in JdbcRunStore; no writer means no job to check. */
  private boolean writerAlive(Long writer) {
    return writer == null || jobs.find(writer).map(j -> j.isRunning()).orElse(false);
  }

  @Override
  public synchronized boolean createRun(DagRun run, List<TaskInstance> tis) {
    if (runs.containsKey(run.key())) {
      return false;
    }
    runs.put(run.key(), run);
    tis.forEach(ti -> taskInstances.put(ti.key(), ti));
    return true;
  }

  @Override
  public synchronized Optional<DagRun> findRun(RunKey key) {
    return Optional.ofNullable(runs.get(key));
  }

  @Override
  public synchronized List<DagRun> listRuns(String dagId, int limit) {
    return runs.values().stream().filter(r -> dagId == null || r.dagId().equals(dagId))
        .sorted(OLDEST_FIRST.reversed()).limit(Math.max(1, limit)).toList();
  }

  @Override
  public synchronized List<DagRun> runsInState(RunState state) {
    return runs.values().stream().filter(r -> r.state() == state).sorted(OLDEST_FIRST).toList();
  }

  @Override
  public synchronized int countRuns(String dagId, RunState state) {
    return (int) runs.values().stream().filter(r -> r.dagId().equals(dagId) && r.state() == state).count();
  }

  @Override
  public synchronized Optional<Instant> latestLogicalDate(String dagId, Collection<RunType> types) {
    return runs.values().stream().filter(r -> r.dagId().equals(dagId) && types.contains(r.runType()))
        .map(r -> r.spec().logicalDate()).max(Comparator.naturalOrder());
  }

  @Override
  public synchronized boolean runExists(String dagId, RunType type, Instant logicalDate) {
    return runs.values().stream().anyMatch(r -> r.dagId().equals(dagId) && r.runType() == type
        && r.spec().logicalDate().equals(logicalDate));
  }

  @Override
  public synchronized boolean transition(DagRun current, DagRun next, Long writer) {
    DagRun r = runs.get(current.key());
    if (r == null || r.state() != current.state() || !writerAlive(writer)) {
      return false;
    }
    // Only the columns JdbcRunStore.transition writes: the state and the start and end dates.
    runs.put(r.key(), new DagRun(r.key(), next.state(), r.spec(),
        new RunTimes(r.times().queuedAt(), next.times().startDate(), next.times().endDate()), r.trace()));
    return true;
  }

  @Override
  public synchronized List<TaskInstance> taskInstances(RunKey key) {
    return taskInstances.values().stream().filter(ti -> ti.key().runKey().equals(key))
        .sorted(Comparator.comparing(TaskInstance::taskId)).toList();
  }

  @Override
  public synchronized Optional<TaskInstance> taskInstance(TaskInstanceKey key) {
    return Optional.ofNullable(taskInstances.get(key));
  }

  @Override
  public synchronized List<TaskInstance> taskInstancesInStates(Collection<TaskState> states) {
    return taskInstances.values().stream().filter(ti -> states.contains(ti.state())).sorted(BY_KEY).toList();
  }

  @Override
  public synchronized boolean update(TaskChange change) {
    TaskInstance current = change.before();
    TaskInstance next = change.after();
    TaskInstance stored = taskInstances.get(current.key());
    if (stored == null || stored.state() != current.state() || stored.tryNumber() != current.tryNumber()
        || !Objects.equals(stored.lease().jobId(), current.lease().jobId()) || !writerAlive(change.writer())) {
      return false;
    }
    // Only the columns JdbcRunStore.update writes; identity, profile and task span stay as stored.
    taskInstances.put(stored.key(), new TaskInstance(stored.key(), next.state(), next.tries(), stored.profile(),
        next.times(), next.lease(), new TaskTrace(stored.trace().spanId(), next.trace().attemptSpanId(),
        stored.trace().flags())));
    if (change.attempt() != null) {
      upsertAttempt(change.attempt());
    }
    return true;
  }

  private void upsertAttempt(TaskAttempt a) {
    TreeMap<Integer, TaskAttempt> tries = attempts.computeIfAbsent(a.key(), k -> new TreeMap<>());
    TaskAttempt old = tries.get(a.tryNumber());
    // An update keeps the attempt's span id, as the JDBC update does not write it.
    tries.put(a.tryNumber(), old == null ? a : new TaskAttempt(a.key(), a.tryNumber(), old.spanId(),
        a.placement(), a.startDate(), a.endDate(), a.status()));
  }

  @Override
  public synchronized List<TaskAttempt> attempts(RunKey key) {
    List<TaskAttempt> out = new ArrayList<>();
    attempts.entrySet().stream().filter(e -> e.getKey().runKey().equals(key))
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(TaskInstanceKey::taskId)))
        .forEach(e -> out.addAll(e.getValue().values()));
    return out;
  }

  @Override
  public synchronized Optional<TaskAttempt> attempt(TaskInstanceKey key, int tryNumber) {
    TreeMap<Integer, TaskAttempt> tries = attempts.get(key);
    return Optional.ofNullable(tries == null ? null : tries.get(tryNumber));
  }
}
