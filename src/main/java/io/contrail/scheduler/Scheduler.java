package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.config.ContrailConfig;
import io.contrail.executor.Executor;
import io.contrail.jobs.JobLease;
import io.contrail.operations.RunCreator;
import io.contrail.run.DagRun;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TraceContext;
import io.contrail.storage.Stores;
import io.contrail.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler loop and its wake-ups. Each full loop runs its duties in order — due scheduled
 * runs ({@link ScheduledRunCreator}), queued runs started ({@link RunStarter}), running runs
 * advanced and committed ({@link RunAdvancer}), scheduled tasks queued ({@link QueuePlanner}),
 * tasks of dead jobs recovered ({@link ZombieReaper}), pool metrics ({@link PoolReporter}), missed
 * deadlines ({@link DeadlineChecker}) — each timed as a phase; one that fails is logged and the loop goes on. Between loops it waits for a
 * finished task: that run is advanced at once (the fast path), so downstream tasks start within
 * milliseconds rather than a loop interval.
 *
 * <p>Off the loop: the job's heartbeat ({@link JobLease}, its own thread), DAG processing
 * ({@link DagProcessing}, its own thread) and the recovery of dead jobs' tasks (the reaper's
 * threads). When the heartbeat finds the job declared dead, the executor stops that job's tries at
 * once, the loop does nothing more under the old id and registers a new job before it goes on.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  /** How often the loop and its periodic duties run, and how long a stop waits for running tasks. */
  public record Intervals(Duration loop, Duration heartbeat, Duration zombieThreshold, Duration dagSync,
      Duration shutdownGrace) {
    public static Intervals of(ContrailConfig.Scheduler c) {
      return new Intervals(Duration.ofMillis(c.loopIntervalMs()), Duration.ofMillis(c.jobHeartbeatMs()),
          Duration.ofMillis(c.zombieThresholdMs()), Duration.ofMillis(c.dagDirListIntervalMs()),
          Duration.ofMillis(c.gracefulShutdownTimeoutMs()));
    }
  }

  /**
   * What this scheduler is responsible for.
   *
   * @param schedules creates scheduled runs and leaves paused DAGs' runs queued (the scheduler role)
   * @param runs the runs it starts and advances
   * @param onRunFinished told of every run it finishes
   */
  public record Scope(boolean schedules, Predicate<RunKey> runs, Consumer<DagRun> onRunFinished) {
    /** Every run on the database: the scheduler and standalone roles. */
    public static Scope everything() {
      return new Scope(true, key -> true, run -> { });
    }

    /** Only these runs, paused or not, whatever their DAGs' schedules: {@code dags test}, backfill. */
    public static Scope only(Set<RunKey> keys, Consumer<DagRun> onRunFinished) {
      Set<RunKey> copy = Set.copyOf(keys);
      return new Scope(false, copy::contains, onRunFinished);
    }
  }

  /** Something changed a run: {@code changed} is the task instance as now stored, or null to re-read the run. */
  private record Wake(RunKey key, TaskInstance changed) {}

  private static final Wake STOP = new Wake(new RunKey("", ""), null);
  /** A run was queued in this process: run a full loop now, which starts it, not at the next interval. */
  private static final Wake LOOP_NOW = new Wake(new RunKey("", ""), null);
  /** A full loop now that reads every held run in full: what changed may not have been reported. */
  private static final Wake READ_ALL = new Wake(new RunKey("", ""), null);

  private final Stores stores;
  private final Executor executor;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Intervals intervals;
  private final ActiveRuns active;
  private final RunAdvancer advancer;
  private final ZombieReaper reaper;
  private final JobLease lease;
  private final DagCache dags;
  private final DagProcessing dagProcessing;
  private final List<Duty> duties = new ArrayList<>();
  private final LinkedBlockingQueue<Wake> wakeups = new LinkedBlockingQueue<>();
  private volatile boolean stopRequested;

  private final String jobType;
  private final String hostname;
  private final LongConsumer onJobStarted;

  private Scheduler(Builder b) {
    this.jobType = b.jobType;
    this.hostname = b.hostname;
    this.stores = b.stores;
    this.clock = b.clock;
    this.telemetry = b.telemetry;
    this.intervals = b.intervals;
    this.onJobStarted = b.onJobStarted;
    this.executor = b.executor.apply(this::taskFinished);
    this.lease = new JobLease(stores.jobs(), clock, telemetry, b.jobType, b.hostname, b.process, intervals.heartbeat(),
        intervals.zombieThreshold());
    lease.onLost(executor::fence); // on the heartbeat thread: the dead job's tries stop at once
    this.dags = new DagCache(stores.dags());
    this.active = new ActiveRuns(stores.runs(), dags);
    QueuePlanner planner = new QueuePlanner(stores.runs(), stores.pools(), active, dags, executor, telemetry,
        lease::jobId);
    PassCommitter committer = new PassCommitter(stores.runs(), active, dags, executor, telemetry, lease);
    this.advancer = new RunAdvancer(stores.runs(), active, planner, committer, clock, telemetry, b.scope, lease::jobId);
    RunStarter starter = new RunStarter(stores.runs(), stores.dags(), dags, clock, telemetry, b.scope, lease::jobId);
    // recovery threads read DAGs from the database: the loop's cache is not theirs to share
    this.reaper = new ZombieReaper(stores.runs(), stores.jobs(), clock, telemetry, b.hostname, b.logsRoot,
        dagId -> stores.dags().find(dagId).map(io.contrail.storage.StoredDag::dag), this::wake, lease, executor);
    PoolReporter pools = new PoolReporter(stores.runs(), stores.pools(), planner, telemetry);
    this.dagProcessing = b.dagSync == null ? null : new DagProcessing(b.dagSync, intervals.dagSync());
    if (b.scope.schedules()) {
      ScheduledRunCreator creator = new ScheduledRunCreator(stores.dags(), stores.runs(),
          Objects.requireNonNull(b.runCreator, "a scheduling scheduler needs a RunCreator"), clock);
      duties.add(Duty.everyLoop("scheduler.create_dagruns", creator::createDueRuns));
    }
    duties.add(Duty.everyLoop("scheduler.start_queued_dagruns", () -> {
      planner.newLoop(); // pool sizes are read again once per loop
      starter.startQueuedRuns();
    }));
    duties.add(Duty.everyLoop("scheduler.advance_dagruns", advancer::advanceRunning));
    duties.add(Duty.everyLoop("scheduler.critical_section", () -> advancer.queueScheduled().forEach(this::wake)));
    duties.add(Duty.periodic("scheduler.recover_zombies", intervals.heartbeat(),
        () -> reaper.recover(intervals.zombieThreshold())));
    duties.add(Duty.periodic("scheduler.pool_metrics", intervals.heartbeat(), pools::report));
    if (b.operations != null) {
      DeadlineChecker deadlines = new DeadlineChecker(b.operations, dags::get, b.scope.runs(), clock, telemetry);
      duties.add(Duty.periodic("scheduler.deadlines", intervals.heartbeat(), deadlines::check));
    }
    duties.add(Duty.everyLoop("executor.heartbeat", () -> telemetry.executorState(executor.name(),
        executor.openSlots(), executor.queuedCount(), executor.runningCount())));
  }

  /** A scheduler over these stores; the builder names its executor, clock, telemetry and scope. */
  public static Builder builder(Stores stores) {
    return new Builder(stores);
  }

  /**
   * Registers the job (its heartbeat starts on its own thread) and starts DAG processing; call
   * before {@link #loop}.
   */
  public long start() {
    long jobId = lease.register();
    onJobStarted.accept(jobId);
    LOG.info("{} job {} started on {} ({}) with the {} executor", jobType, jobId, hostname, lease.process(),
        executor.name());
    if (dagProcessing != null) {
      dagProcessing.start();
    }
    return jobId;
  }

  /** The current job's id (a new one after the last was declared dead). */
  public long jobId() {
    return lease.jobId();
  }

  /** Tells the scheduler a run changed in the database: it is re-read and advanced right away. */
  public void wake(RunKey key) {
    wakeups.offer(new Wake(key, null));
  }

  /** Tells the scheduler a task instance reached this stored state: its run is advanced right away. */
  public void taskChanged(TaskInstance stored) {
    wakeups.offer(new Wake(stored.key().runKey(), stored));
  }

  /** What the executor reports when a try ends: the row as stored, or null when another process changed it. */
  private void taskFinished(TaskInstanceKey key, TaskInstance stored) {
    if (stored != null) {
      taskChanged(stored);
    } else {
      wake(key.runKey());
    }
  }

  /**
   * A run was queued by this process (a trigger through the API of standalone): the next full
   * loop — which starts queued runs and queues their first tasks — runs now rather than after
   * the loop interval.
   */
  public void runQueued() {
    wakeups.offer(LOOP_NOW);
  }

  /**
   * Reports of changes may have been lost (the wake-up connection was down): the next full loop,
   * now, reads every running run in full rather than trusting the copies it holds.
   */
  public void readEverythingAgain() {
    wakeups.offer(READ_ALL);
  }

  public void requestStop() {
    stopRequested = true;
    wakeups.offer(STOP);
  }

  /**
   * Runs loops until stopped, {@code maxLoops} full loops have run (0 = no limit) or
   * {@code done} says so; then shuts the executor down gracefully and ends the job.
   */
  public void loop(int maxLoops, BooleanSupplier done) {
    int loops = 0;
    Instant nextFull = Instant.EPOCH;
    try {
      while (!stopRequested && !done.getAsBoolean()) {
        if (lease.lost()) {
          rejoin();
          nextFull = Instant.EPOCH;
        }
        if (!clock.instant().isBefore(nextFull)) {
          fullLoop();
          loops++;
          nextFull = clock.instant().plus(intervals.loop());
          if (maxLoops > 0 && loops >= maxLoops) {
            break;
          }
        }
        if (done.getAsBoolean()) {
          break;
        }
        if (waitForWork(nextFull)) {
          nextFull = Instant.EPOCH;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      shutdown();
    }
  }

  /**
   * One full loop without waiting or shutting down, for tests that step the scheduler; the
   * wake-ups reported since the last step are handled first, as the running loop handles them as
   * they come (a copy of a run held because its read was slow, in a cold JVM, would otherwise stay
   * stale across steps).
   */
  void runOnce() {
    if (lease.lost()) {
      rejoin();
    }
    List<Wake> wakes = new ArrayList<>();
    wakeups.drainTo(wakes);
    handle(wakes); // the full loop follows anyway
    fullLoop();
    try {
      reaper.awaitIdle(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The job was declared dead: nothing more happens under its id (the executor already stopped its
   * tries; recovery records them), the working set is dropped, and a new job is registered.
   */
  private void rejoin() {
    long dead = lease.jobId();
    active.reloadAll(List.of());
    long fresh = lease.register();
    onJobStarted.accept(fresh);
    LOG.warn("{} job {} was declared dead; registered again as job {} on {}", jobType, dead, fresh, hostname);
  }

  /** Waits for a wake-up or the next full loop; true when a full loop is wanted now. */
  private boolean waitForWork(Instant nextFull) throws InterruptedException {
    Instant wakeAt = nextFull;
    Instant retryAt = advancer.nextRetryAt();
    if (retryAt != null && retryAt.isBefore(wakeAt)) {
      wakeAt = retryAt;
    }
    long waitMs = Math.max(1, Duration.between(clock.instant(), wakeAt).toMillis());
    Wake first = wakeups.poll(waitMs, TimeUnit.MILLISECONDS);
    if (lease.lost()) {
      return false; // nothing under a dead job's id: the loop registers a new one first
    }
    if (first == null || stopRequested) {
      safely(advancer::retryIfDue, "retry check"); // the retry starts now
      return false;
    }
    List<Wake> wakes = new ArrayList<>();
    wakes.add(first);
    wakeups.drainTo(wakes);
    return handle(wakes);
  }

  /** Handles drained wake-ups: the runs they name advance at once; true when a full loop is wanted now. */
  private boolean handle(List<Wake> wakes) {
    if (wakes.removeIf(w -> w == READ_ALL)) {
      active.readAllAgain();
      wakes.add(LOOP_NOW);
    }
    boolean loopNow = wakes.removeIf(w -> w == LOOP_NOW);
    if (!wakes.isEmpty()) {
      safely(() -> advancer.advance(touchedRuns(wakes)), "fast path");
    }
    return loopNow;
  }

  /** The runs the wake-ups name, brought up to date: a reported row is taken, anything else re-read. */
  private List<RunProgress> touchedRuns(List<Wake> wakes) {
    Set<RunKey> touched = new LinkedHashSet<>();
    for (Wake w : wakes) {
      if (w == STOP) {
        continue;
      }
      RunProgress p = active.get(w.key());
      if (p == null || w.changed() == null) {
        active.forget(w.key()); // re-read below
      } else {
        p.update(w.changed());
      }
      touched.add(w.key());
    }
    List<RunProgress> runs = new ArrayList<>();
    for (RunKey key : touched) {
      RunProgress p = active.get(key);
      if (p == null) {
        p = active.reload(key);
      }
      if (p != null) {
        runs.add(p);
      }
    }
    return runs;
  }

  private void fullLoop() {
    if (dagProcessing != null) {
      Map<String, Dag> parsed = dagProcessing.takeParsed();
      if (parsed != null) {
        dags.putAll(parsed);
      }
    }
    Instant loopStart = clock.instant();
    // the loop span's ids, allocated now so the runs this loop creates can name it
    TraceContext loopSpan = TraceContext.newTrace(TraceContext.SAMPLED);
    List<Telemetry.LoopPhase> phases = new ArrayList<>();
    for (Duty duty : duties) {
      if (lease.lost()) {
        break; // declared dead mid-loop: stop acting under the old id at once
      }
      if (duty.due(loopStart)) {
        phases.add(phase(duty, loopSpan));
      }
    }
    Throwable error = phases.stream().map(Telemetry.LoopPhase::error).filter(Objects::nonNull).findFirst().orElse(null);
    telemetry.schedulerLoop(new Telemetry.Loop(loopStart, clock.instant(), phases, error, loopSpan.traceId(),
        loopSpan.spanId()));
  }

  /** Runs one duty, timing it; an error is logged and recorded, and the loop goes on. */
  private Telemetry.LoopPhase phase(Duty duty, TraceContext loopSpan) {
    Instant start = clock.instant();
    Throwable error = null;
    try {
      duty.run(loopSpan);
    } catch (RuntimeException e) {
      error = e;
      LOG.error("{} failed; the next loop will retry", duty.phase, e);
    }
    return new Telemetry.LoopPhase(duty.phase, start, clock.instant(), error);
  }

  /**
   * Stops the executor (running tasks get the grace period) while this thread goes on deciding the
   * runs whose tasks end meanwhile, so a run whose last task finishes during the stop is finished
   * with its real end time rather than at the next start.
   */
  private void shutdown() {
    LOG.info("{} job {} stopping", jobType, lease.jobId());
    if (dagProcessing != null) {
      dagProcessing.close();
    }
    advancer.stopping();
    Thread stopper = new Thread(() -> executor.shutdown(intervals.shutdownGrace()), "contrail-executor-stop");
    stopper.start();
    try {
      while (stopper.isAlive()) {
        advanceWoken(wakeups.poll(100, TimeUnit.MILLISECONDS));
      }
      advanceWoken(wakeups.poll());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reaper.close();
    lease.end("success");
  }

  private void advanceWoken(Wake first) {
    if (first == null) {
      return;
    }
    List<Wake> wakes = new ArrayList<>();
    wakes.add(first);
    wakeups.drainTo(wakes);
    safely(() -> advancer.advance(touchedRuns(wakes)), "stop");
  }

  private static void safely(Runnable r, String what) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("scheduler {} failed; the next loop will retry", what, e);
    }
  }

  /**
   * Wires a {@link Scheduler}. The executor is made from a factory because the scheduler is what
   * it reports finished tries to.
   */
  public static final class Builder {
    private final Stores stores;
    private Function<BiConsumer<TaskInstanceKey, TaskInstance>, Executor> executor;
    private DagSync dagSync;
    private RunCreator runCreator;
    private io.contrail.storage.OperationStore operations;
    private Clock clock = Clock.systemUTC();
    private Telemetry telemetry = Telemetry.NOOP;
    private Intervals intervals;
    private Scope scope = Scope.everything();
    private String hostname = "localhost";
    private String jobType = "scheduler";
    private ProcessIdentity process = ProcessIdentity.current();
    private Path logsRoot = Path.of("logs");
    private LongConsumer onJobStarted = id -> { };

    private Builder(Stores stores) {
      this.stores = Objects.requireNonNull(stores);
    }

    /** @param factory makes the executor given what it tells of each finished try */
    public Builder executor(Function<BiConsumer<TaskInstanceKey, TaskInstance>, Executor> factory) {
      this.executor = factory;
      return this;
    }

    /** Keeps the database's DAGs in step with dags_folder every dag_dir_list_interval (none: no sync). */
    public Builder dagSync(DagSync sync) {
      this.dagSync = sync;
      return this;
    }

    /** Creates the scheduled runs; required when the scope schedules. */
    public Builder runCreator(RunCreator creator) {
      this.runCreator = creator;
      return this;
    }

    /** Where deadlines are found and recorded; none: this scheduler checks no deadlines. */
    public Builder operations(io.contrail.storage.OperationStore store) {
      this.operations = store;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder telemetry(Telemetry t) {
      this.telemetry = t;
      return this;
    }

    public Builder intervals(Intervals i) {
      this.intervals = i;
      return this;
    }

    public Builder scope(Scope s) {
      this.scope = s;
      return this;
    }

    /** This host, where leftover processes of dead jobs can be killed. */
    public Builder hostname(String name) {
      this.hostname = name;
      return this;
    }

    /** What the job row calls this process's role (scheduler, standalone, dags_test ...). */
    public Builder jobType(String type) {
      this.jobType = type;
      return this;
    }

    /** This process, as its job records it (default: this JVM). */
    public Builder process(ProcessIdentity p) {
      this.process = p;
      return this;
    }

    /** base_log_folder, where shell tries record their exit status for recovery. */
    public Builder logsRoot(Path root) {
      this.logsRoot = root;
      return this;
    }

    /** Told the job id each time the scheduler registers a job (what this process acts under). */
    public Builder onJobStarted(LongConsumer listener) {
      this.onJobStarted = Objects.requireNonNull(listener);
      return this;
    }

    public Scheduler build() {
      Objects.requireNonNull(executor, "executor");
      Objects.requireNonNull(intervals, "intervals");
      return new Scheduler(this);
    }
  }
}
