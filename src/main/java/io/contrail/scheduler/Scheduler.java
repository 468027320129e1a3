package io.contrail.scheduler;

import io.contrail.config.ContrailConfig;
import io.contrail.executor.Executor;
import io.contrail.operations.RunCreator;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TraceContext;
import io.contrail.storage.Stores;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler loop and its wake-ups. Each full loop runs its duties in order — heartbeat, DAG
 * sync, due scheduled runs ({@link ScheduledRunCreator}), queued runs started ({@link RunStarter}),
 * running runs advanced and committed ({@link RunAdvancer}), scheduled tasks queued
 * ({@link QueuePlanner}), tasks of dead schedulers recovered ({@link ZombieReaper}), pool metrics
 * ({@link PoolReporter}) — each timed as a phase; one that fails is logged and the loop goes on.
 * Between loops it waits for a finished task: that run is advanced at once (the fast path), so
 * downstream tasks start within milliseconds rather than a loop interval.
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

  private final Stores stores;
  private final Executor executor;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Intervals intervals;
  private final ActiveRuns active;
  private final RunAdvancer advancer;
  private final ZombieReaper reaper;
  private final List<Duty> duties = new ArrayList<>();
  private final LinkedBlockingQueue<Wake> wakeups = new LinkedBlockingQueue<>();
  private volatile boolean stopRequested;
  private long jobId = -1;

  private Scheduler(Builder b) {
    this.stores = b.stores;
    this.clock = b.clock;
    this.telemetry = b.telemetry;
    this.intervals = b.intervals;
    this.executor = b.executor.apply(this::taskFinished);
    DagCache dags = new DagCache(stores.dags());
    this.active = new ActiveRuns(stores.runs(), dags);
    QueuePlanner planner = new QueuePlanner(stores.runs(), stores.pools(), active, dags, executor, telemetry,
        () -> jobId);
    PassCommitter committer = new PassCommitter(stores.runs(), active, dags, executor, telemetry);
    this.advancer = new RunAdvancer(stores.runs(), active, planner, committer, clock, telemetry, b.scope);
    RunStarter starter = new RunStarter(stores.runs(), stores.dags(), dags, clock, telemetry, b.scope);
    this.reaper = new ZombieReaper(stores.runs(), stores.jobs(), clock, telemetry, b.hostname, dags::get, this::wake);
    PoolReporter pools = new PoolReporter(stores.runs(), stores.pools(), planner, telemetry);

    duties.add(Duty.periodic("scheduler.heartbeat", intervals.heartbeat(), this::heartbeat));
    if (b.dagSync != null) {
      duties.add(Duty.periodic("dag_processing.parse", intervals.dagSync(), () -> dags.putAll(b.dagSync.sync().dags())));
    }
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
    duties.add(Duty.everyLoop("executor.heartbeat", () -> telemetry.executorState(executor.name(),
        executor.openSlots(), executor.queuedCount(), executor.runningCount())));
  }

  /** A scheduler over these stores; the builder names its executor, clock, telemetry and scope. */
  public static Builder builder(Stores stores) {
    return new Builder(stores);
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
        waitForWork(nextFull);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      shutdown();
    }
  }

  /** One full loop without waiting or shutting down, for tests that step the scheduler. */
  void runOnce() {
    fullLoop();
  }

  private void waitForWork(Instant nextFull) throws InterruptedException {
    Instant wakeAt = nextFull;
    Instant retryAt = advancer.nextRetryAt();
    if (retryAt != null && retryAt.isBefore(wakeAt)) {
      wakeAt = retryAt;
    }
    long waitMs = Math.max(1, Duration.between(clock.instant(), wakeAt).toMillis());
    Wake first = wakeups.poll(waitMs, TimeUnit.MILLISECONDS);
    if (first == null || stopRequested) {
      safely(advancer::retryIfDue, "retry check"); // the retry starts now
      return;
    }
    List<Wake> wakes = new ArrayList<>();
    wakes.add(first);
    wakeups.drainTo(wakes);
    safely(() -> advancer.advance(touchedRuns(wakes)), "fast path");
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
    Instant loopStart = clock.instant();
    // the loop span's ids, allocated now so the runs this loop creates can name it
    TraceContext loopSpan = TraceContext.newTrace(TraceContext.SAMPLED);
    List<Telemetry.LoopPhase> phases = new ArrayList<>();
    for (Duty duty : duties) {
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

  private void heartbeat() {
    if (!stores.jobs().heartbeat(jobId, clock.instant())) {
      LOG.error("job {} was declared dead by another scheduler; its tasks may have been recovered", jobId);
    }
  }

  private void shutdown() {
    LOG.info("scheduler job {} stopping", jobId);
    executor.shutdown(intervals.shutdownGrace());
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

  /**
   * Wires a {@link Scheduler}. The executor is made from a factory because the scheduler is what
   * it reports finished tries to.
   */
  public static final class Builder {
    private final Stores stores;
    private Function<BiConsumer<TaskInstanceKey, TaskInstance>, Executor> executor;
    private DagSync dagSync;
    private RunCreator runCreator;
    private Clock clock = Clock.systemUTC();
    private Telemetry telemetry = Telemetry.NOOP;
    private Intervals intervals;
    private Scope scope = Scope.everything();
    private String hostname = "localhost";

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

    /** This host, where leftover processes of dead schedulers can be killed. */
    public Builder hostname(String name) {
      this.hostname = name;
      return this;
    }

    public Scheduler build() {
      Objects.requireNonNull(executor, "executor");
      Objects.requireNonNull(intervals, "intervals");
      return new Scheduler(this);
    }
  }
}
