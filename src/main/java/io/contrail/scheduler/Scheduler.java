package io.contrail.scheduler;

import io.contrail.dag.Dag;
import io.contrail.executor.Executor;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceIds;
import io.contrail.storage.DagStore;
import io.contrail.storage.JobStore;
import io.contrail.storage.PoolStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler loop. Each loop: heartbeat, DAG sync, due scheduled runs, queued runs started
 * within max_active_runs, every running run advanced ({@link RunDecision}), scheduled tasks handed
 * to the executor ({@link QueueDecision}), tasks of dead schedulers recovered. Between loops it
 * waits for a finished task: that run is advanced at once (the fast path), so downstream tasks
 * start within milliseconds rather than a loop interval. A failing loop is logged and the next
 * one runs.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final List<TaskState> ACTIVE = List.of(TaskState.QUEUED, TaskState.RUNNING);

  /** What this scheduler instance is responsible for. */
  public record Options(Duration loopInterval, Duration heartbeatInterval, Duration zombieThreshold,
      Duration dagSyncInterval, Duration shutdownGrace, boolean createScheduledRuns,
      Predicate<RunKey> runFilter, Consumer<DagRun> onRunFinished) {}

  /** The stores a scheduler works on. */
  public record Stores(DagStore dags, RunStore runs, PoolStore pools, JobStore jobs) {}

  private final Stores stores;
  private final Executor executor;
  private final DagSync dagSync;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Options options;
  private final ZombieReaper reaper;
  private final ScheduledRunCreator creator;
  private final LinkedBlockingQueue<Wake> wakeups = new LinkedBlockingQueue<>();
  private final Map<String, Dag> dagCache = new HashMap<>();
  private final Map<Dag, Map<String, List<String>>> downstreamCache = new java.util.IdentityHashMap<>();
  private final ScheduledQueue pendingScheduled = new ScheduledQueue();
  private final Map<RunKey, RunProgress> progress = new HashMap<>();
  private Map<String, Integer> poolSlots = Map.of();
  private volatile boolean stopRequested;
  private long jobId = -1;
  private Instant lastHeartbeat = Instant.EPOCH;
  private Instant lastSync = Instant.EPOCH;
  private Instant lastReap = Instant.EPOCH;
  private Instant lastPoolReport = Instant.EPOCH;
  private Map<String, Integer> starvingByPool = Map.of();
  private Instant nextRetryAt;

  public Scheduler(Stores stores, Executor executor, DagSync dagSync, Clock clock, Telemetry telemetry,
      Options options, String hostname) {
    this.stores = stores;
    this.executor = executor;
    this.dagSync = dagSync;
    this.clock = clock;
    this.telemetry = telemetry;
    this.options = options;
    this.reaper = new ZombieReaper(stores.runs(), stores.jobs(), clock, telemetry, hostname,
        this::dag, this::wake);
    this.creator = new ScheduledRunCreator(stores.dags(), stores.runs(), clock, telemetry);
  }

  /** Registers the scheduler job; call before {@link #loop}. */
  public long start(String jobType, String hostname) {
    jobId = stores.jobs().start(jobType, hostname, ProcessHandle.current().pid(), clock.instant());
    reaper.setOwnJob(jobId);
    LOG.info("{} job {} started on {} (pid {}) with the {} executor", jobType, jobId, hostname,
        ProcessHandle.current().pid(), executor.name());
    return jobId;
  }

  public long jobId() {
    return jobId;
  }

  /** Something changed a run: {@code changed} is the task instance as now stored, or null to re-read the run. */
  private record Wake(RunKey key, TaskInstance changed) {}

  /** Tells the scheduler a run changed in the database: it is re-read and advanced right away. */
  public void wake(RunKey key) {
    wakeups.offer(new Wake(key, null));
  }

  /** Tells the scheduler a task instance reached this stored state: its run is advanced right away. */
  public void taskChanged(TaskInstance stored) {
    wakeups.offer(new Wake(stored.key().runKey(), stored));
  }

  public void requestStop() {
    stopRequested = true;
    wakeups.offer(new Wake(new RunKey("", ""), null));
  }

  /**
   * Runs loops until stopped, {@code maxLoops} full loops have run (0 = no limit) or
   * {@code done} says so; then shuts the executor down gracefully and ends the job.
   */
  public void loop(int maxLoops, java.util.function.BooleanSupplier done) {
    int loops = 0;
    Instant nextFull = Instant.EPOCH;
    try {
      while (!stopRequested && !done.getAsBoolean()) {
        Instant now = clock.instant();
        if (!now.isBefore(nextFull)) {
          fullLoop();
          loops++;
          nextFull = clock.instant().plus(options.loopInterval());
          if (maxLoops > 0 && loops >= maxLoops) {
            break;
          }
        }
        if (done.getAsBoolean()) {
          break;
        }
        waitForWork(nextFull);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      shutdown();
    }
  }

  private void waitForWork(Instant nextFull) throws InterruptedException {
    Instant wakeAt = nextFull;
    if (nextRetryAt != null && nextRetryAt.isBefore(wakeAt)) {
      wakeAt = nextRetryAt;
    }
    long waitMs = Math.max(1, Duration.between(clock.instant(), wakeAt).toMillis());
    Wake first = wakeups.poll(waitMs, TimeUnit.MILLISECONDS);
    if (first == null || stopRequested) {
      if (nextRetryAt != null && !clock.instant().isBefore(nextRetryAt)) {
        nextRetryAt = null;
        safely(() -> advanceAndQueue(List.copyOf(progress.values())), "retry check"); // the retry starts now
      }
      return;
    }
    List<Wake> wakes = new ArrayList<>();
    wakes.add(first);
    wakeups.drainTo(wakes);
    safely(() -> {
      Set<RunKey> touched = new LinkedHashSet<>();
      for (Wake w : wakes) {
        if (w.key().dagId().isEmpty()) {
          continue;
        }
        RunProgress p = progress.get(w.key());
        if (p == null || w.changed() == null) {
          progress.remove(w.key()); // re-read below
        } else {
          p.update(w.changed());
        }
        touched.add(w.key());
      }
      List<RunProgress> runs = new ArrayList<>();
      for (RunKey key : touched) {
        RunProgress p = progress.get(key);
        if (p == null) {
          p = load(key);
        }
        if (p != null) {
          runs.add(p);
        }
      }
      advanceAndQueue(runs);
    }, "fast path");
  }

  /** One full loop without waiting or shutting down, for tests that step the scheduler. */
  void runOnce() {
    fullLoop();
  }

  private void fullLoop() {
    Instant loopStart = clock.instant();
    // the loop span's ids, allocated now so the runs this loop creates can name it
    String loopTraceId = TraceIds.newTraceId();
    String loopSpanId = TraceIds.newSpanId();
    List<Telemetry.LoopPhase> phases = new ArrayList<>();
    Instant now = loopStart;
    if (Duration.between(lastHeartbeat, now).compareTo(options.heartbeatInterval()) >= 0) {
      lastHeartbeat = now;
      phase(phases, "scheduler.heartbeat", () -> {
        if (!stores.jobs().heartbeat(jobId, now)) {
          LOG.error("job {} was declared dead by another scheduler; its tasks may have been recovered", jobId);
        }
      });
    }
    if (dagSync != null && Duration.between(lastSync, now).compareTo(options.dagSyncInterval()) >= 0) {
      lastSync = now;
      phase(phases, "dag_processing.parse", () -> dagSync.sync().dags().forEach(dagCache::put));
    }
    if (options.createScheduledRuns()) {
      phase(phases, "scheduler.create_dagruns", () -> creator.createDueRuns(loopTraceId, loopSpanId));
    }
    poolSlots = Map.of(); // re-read once per loop: `pools set` takes effect within a loop interval
    phase(phases, "scheduler.start_queued_dagruns", this::startQueuedRuns);
    phase(phases, "scheduler.advance_dagruns", this::advanceRunningRuns);
    phase(phases, "scheduler.critical_section", this::queueScheduled);
    if (Duration.between(lastReap, now).compareTo(options.heartbeatInterval()) >= 0) {
      lastReap = now;
      phase(phases, "scheduler.recover_zombies", () -> reaper.recover(options.zombieThreshold()));
    }
    if (Duration.between(lastPoolReport, now).compareTo(options.heartbeatInterval()) >= 0) {
      lastPoolReport = now;
      phase(phases, "scheduler.pool_metrics", this::reportPools);
    }
    phase(phases, "executor.heartbeat", () -> telemetry.executorState(executor.name(),
        executor.openSlots(), executor.queuedCount(), executor.runningCount()));
    Throwable error = phases.stream().map(Telemetry.LoopPhase::error).filter(e -> e != null).findFirst().orElse(null);
    telemetry.schedulerLoop(new Telemetry.Loop(loopStart, clock.instant(), phases, error, loopTraceId,
        loopSpanId));
  }

  /** Runs one step of the loop, timing it; an error is logged and recorded, and the loop goes on. */
  private void phase(List<Telemetry.LoopPhase> phases, String name, Runnable step) {
    Instant start = clock.instant();
    Throwable error = null;
    try {
      step.run();
    } catch (RuntimeException e) {
      error = e;
      LOG.error("{} failed; the next loop will retry", name, e);
    }
    phases.add(new Telemetry.LoopPhase(name, start, clock.instant(), error));
  }

  /** Reports every pool's open, queued and running slots (in slots) and its starving tasks. */
  private void reportPools() {
    Map<String, int[]> used = new HashMap<>(); // pool -> {queued slots, running slots}
    for (TaskInstance ti : stores.runs().taskInstancesInStates(ACTIVE)) {
      used.computeIfAbsent(ti.pool(), p -> new int[2])[ti.state() == TaskState.QUEUED ? 0 : 1] += ti.poolSlots();
    }
    List<Telemetry.PoolSlots> pools = new ArrayList<>();
    stores.pools().slots().forEach((pool, slots) -> {
      int[] u = used.getOrDefault(pool, new int[2]);
      pools.add(new Telemetry.PoolSlots(pool, slots, slots - u[0] - u[1], u[0], u[1],
          starvingByPool.getOrDefault(pool, 0)));
    });
    telemetry.poolsState(pools);
  }

  private void startQueuedRuns() {
    Map<String, Integer> runningPerDag = new HashMap<>();
    Map<String, Boolean> pausedCache = new HashMap<>();
    for (DagRun run : stores.runs().runsInState(RunState.QUEUED)) {
      if (!options.runFilter().test(run.key())) {
        continue;
      }
      Dag dag = dag(run.dagId());
      if (dag == null || (options.createScheduledRuns() && isPaused(run.dagId(), pausedCache))) {
        continue; // as in Airflow, a paused DAG's queued runs wait until it is unpaused
      }
      int running = runningPerDag.computeIfAbsent(run.dagId(), id -> stores.runs().countRuns(id, RunState.RUNNING));
      if (running >= dag.maxActiveRuns()) {
        continue;
      }
      Instant now = clock.instant();
      if (stores.runs().transitionRun(run.key(), RunState.QUEUED, RunState.RUNNING, now, null)) {
        runningPerDag.put(run.dagId(), running + 1);
        DagRun started = new DagRun(run.dagId(), run.runId(), run.runType(), RunState.RUNNING,
            run.logicalDate(), run.dataIntervalStart(), run.dataIntervalEnd(), run.conf(), run.queuedAt(),
            now, null, run.traceId(), run.spanId(), run.parentSpanId(), run.traceFlags(),
            run.creatorTraceId(), run.creatorSpanId());
        telemetry.runStateChanged(started, RunState.QUEUED, RunState.RUNNING);
        LOG.info("run {} started", run.key());
      }
    }
  }

  /** Re-reads every running run from the database (the truth) and advances it. */
  private void advanceRunningRuns() {
    Map<RunKey, RunProgress> fresh = new HashMap<>();
    for (DagRun run : stores.runs().runsInState(RunState.RUNNING)) {
      if (options.runFilter().test(run.key())) {
        RunProgress p = progress(run);
        if (p != null) {
          fresh.put(run.key(), p);
        }
      }
    }
    progress.clear();
    progress.putAll(fresh);
    pendingScheduled.clear();
    for (RunProgress p : fresh.values()) {
      for (TaskInstance ti : p.taskInstances()) {
        if (ti.state() == TaskState.SCHEDULED) {
          pendingScheduled.put(ti);
        }
      }
    }
    telemetry.dagRunsRunning(fresh.size());
    advanceAndQueue(List.copyOf(fresh.values()));
  }

  private RunProgress load(RunKey key) {
    return stores.runs().findRun(key).filter(r -> r.state() == RunState.RUNNING).map(this::progress).orElse(null);
  }

  /** A working copy of a running run from the database; null when its DAG is unknown. */
  private RunProgress progress(DagRun run) {
    Dag dag = dag(run.dagId());
    if (dag == null) {
      LOG.warn("run {} belongs to DAG {} which is not in the database; leaving it", run.key(), run.dagId());
      return null;
    }
    RunProgress p = RunProgress.of(run, dag, downstreamCache.computeIfAbsent(dag, Dag::downstreamMap),
        stores.runs().taskInstances(run.key()));
    progress.put(run.key(), p);
    return p;
  }

  /**
   * Advances runs and hands what became runnable to the executor, writing every state change of
   * the pass (none -> scheduled/skipped/upstream_failed, scheduled -> queued) as one batch of
   * compare-and-sets in one transaction: a commit is the scarce resource of a database-backed
   * scheduler. Runs whose rows another process changed meanwhile are re-read and advanced again.
   */
  private void advanceAndQueue(List<RunProgress> runs) {
    for (int round = 0; round < 3 && !runs.isEmpty(); round++) {
      Instant now = clock.instant();
      Pass pass = new Pass();
      Map<RunKey, RunDecision> decisions = new LinkedHashMap<>();
      for (RunProgress p : runs) {
        RunDecision d = p.decide(now);
        decisions.put(p.run().key(), d);
        for (int i = 0; i < d.changes().size(); i++) {
          pass.add(d.previous().get(i), d.changes().get(i), false);
          if (d.changes().get(i).state() == TaskState.SCHEDULED) {
            pendingScheduled.put(d.changes().get(i));
          }
        }
      }
      planQueue(pass, now);
      Set<RunKey> conflicts = commit(pass);
      List<RunProgress> again = new ArrayList<>();
      for (RunProgress p : runs) {
        RunKey key = p.run().key();
        RunDecision d = decisions.get(key);
        if (conflicts.contains(key)) {
          RunProgress fresh = progress(p.run()); // another process changed the run: decide again
          if (fresh != null) {
            again.add(fresh);
          }
          continue;
        }
        if (d.nextRetryAt() != null && (nextRetryAt == null || d.nextRetryAt().isBefore(nextRetryAt))) {
          nextRetryAt = d.nextRetryAt();
        }
        if (d.outcome() != null) {
          List<TaskInstance> tis = new ArrayList<>();
          p.taskInstances().forEach(tis::add);
          finishRun(p.run(), d.outcome(), now, tis);
        }
      }
      runs = again;
    }
  }

  /** The state changes of one scheduler pass, written together. */
  private static final class Pass {
    final List<TaskInstance> before = new ArrayList<>();
    final List<TaskInstance> after = new ArrayList<>();
    final List<Boolean> queueing = new ArrayList<>();

    void add(TaskInstance from, TaskInstance to, boolean queue) {
      before.add(from);
      after.add(to);
      queueing.add(queue);
    }
  }

  /**
   * Writes the pass; reports each applied change, hands queued task instances to the executor,
   * and returns the runs where a compare-and-set lost.
   */
  private Set<RunKey> commit(Pass pass) {
    Set<RunKey> conflicts = new LinkedHashSet<>();
    if (pass.before.isEmpty()) {
      return conflicts;
    }
    boolean[] applied = stores.runs().updateAll(pass.before, pass.after);
    for (int i = 0; i < applied.length; i++) {
      TaskInstance before = pass.before.get(i);
      TaskInstance after = pass.after.get(i);
      if (!applied[i]) {
        pendingScheduled.remove(after.key());
        conflicts.add(after.key().runKey());
        continue;
      }
      telemetry.taskStateChanged(before, after);
      if (pass.queueing.get(i)) {
        RunProgress p = progress.get(after.key().runKey());
        if (p != null) {
          p.update(after);
        }
        DagRun run = p != null ? p.run() : stores.runs().findRun(after.key().runKey()).orElse(null);
        executor.execute(after, dag(after.dagId()), run);
      }
    }
    return conflicts;
  }

  private void finishRun(DagRun run, RunState outcome, Instant now, List<TaskInstance> taskInstances) {
    progress.remove(run.key());
    if (stores.runs().transitionRun(run.key(), RunState.RUNNING, outcome, null, now)) {
      DagRun finished = new DagRun(run.dagId(), run.runId(), run.runType(), outcome,
          run.logicalDate(), run.dataIntervalStart(), run.dataIntervalEnd(), run.conf(), run.queuedAt(),
          run.startDate(), now, run.traceId(), run.spanId(), run.parentSpanId(), run.traceFlags(),
            run.creatorTraceId(), run.creatorSpanId());
      telemetry.runStateChanged(finished, RunState.RUNNING, outcome);
      telemetry.runFinished(finished, taskInstances);
      LOG.info("run {} {}", run.key(), outcome.id());
      options.onRunFinished().accept(finished);
    }
  }

  /** Hands scheduled task instances to the executor within its slots, pools and DAG limits. */
  private void queueScheduled() {
    Pass pass = new Pass();
    planQueue(pass, clock.instant());
    for (RunKey conflicted : commit(pass)) {
      wake(conflicted); // taken by another scheduler, or changed meanwhile
    }
  }

  /** Adds to the pass the scheduled task instances that fit the executor's slots, pools and DAG limits. */
  private void planQueue(Pass pass, Instant now) {
    if (pendingScheduled.isEmpty()) {
      starvingByPool = Map.of();
      telemetry.starvingTasks(0, 0); // gauges report the current value: nothing waits now
      return;
    }
    int open = executor.openSlots();
    if (open <= 0) {
      telemetry.starvingTasks(0, 0); // no executor slot: nothing is executable now
      return;
    }
    Map<String, Integer> activeByDag = new HashMap<>();
    Map<String, Integer> poolOccupied = new HashMap<>();
    for (RunStore.ActiveCount c : stores.runs().activeCounts()) {
      activeByDag.merge(c.dagId(), c.taskInstances(), Integer::sum);
      poolOccupied.merge(c.pool(), c.slots(), Integer::sum);
    }
    Map<String, Integer> maxActive = new HashMap<>();
    for (String dagId : pendingScheduled.dagIds()) {
      Dag dag = dag(dagId);
      maxActive.put(dagId, dag == null ? 0 : dag.maxActiveTasks());
    }
    if (poolSlots.isEmpty()) {
      poolSlots = stores.pools().slots();
    }
    QueueDecision.Result result = QueueDecision.selectOrdered(pendingScheduled.inPriorityOrder(), open,
        activeByDag, maxActive, poolSlots, poolOccupied);
    starvingByPool = Map.copyOf(result.starvingByPool());
    // executable as in Airflow: the tasks chosen to be queued in this pass
    telemetry.starvingTasks(result.starvingForPool() + result.starvingForDag(), result.toQueue().size());
    for (TaskInstance ti : result.toQueue()) {
      pendingScheduled.remove(ti.key());
      pass.add(ti, ti.toQueued(now, jobId), true);
    }
  }

  private boolean isPaused(String dagId, Map<String, Boolean> cache) {
    return cache.computeIfAbsent(dagId, id -> stores.dags().find(id).map(StoredDag::paused).orElse(false));
  }

  /** The DAG definition for a run: this process's parse, else the database's serialized copy. */
  private Dag dag(String dagId) {
    Dag dag = dagCache.get(dagId);
    if (dag == null) {
      dag = stores.dags().find(dagId).map(StoredDag::dag).orElse(null);
      if (dag != null) {
        dagCache.put(dagId, dag);
      }
    }
    return dag;
  }

  private void shutdown() {
    LOG.info("scheduler job {} stopping", jobId);
    executor.shutdown(options.shutdownGrace());
    if (jobId >= 0) {
      stores.jobs().end(jobId, "success", clock.instant());
    }
  }

  private static void safely(Runnable r, String what) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("scheduler {} failed; the next loop will retry", what, e);
    }
  }
}
