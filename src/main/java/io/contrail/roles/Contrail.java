package io.contrail.roles;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.dag.DagProcessor;
import io.contrail.executor.AttemptSettings;
import io.contrail.executor.CallbackRunner;
import io.contrail.executor.TaskTester;
import io.contrail.operations.RunOperations;
import io.contrail.executor.Executor;
import io.contrail.executor.LocalExecutors;
import io.contrail.jobs.JobLease;
import io.contrail.run.ProcessIdentity;
import io.contrail.worker.Worker;
import io.contrail.operations.RunCreator;
import io.contrail.scheduler.DagSync;
import io.contrail.scheduler.Scheduler;
import io.contrail.scheduler.ZombieReaper;
import io.contrail.secrets.ProcessMasking;
import io.contrail.secrets.SecretNames;
import io.contrail.secrets.SecretsMasker;
import io.contrail.security.PrivateFiles;
import io.contrail.storage.Database;
import io.contrail.storage.GroupCommit;
import io.contrail.storage.SpanOutbox;
import io.contrail.storage.SpanRecording;
import io.contrail.storage.StorageException;
import io.contrail.storage.Stores;
import io.contrail.storage.WakeUps;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.RunType;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.contrail.telemetry.Telemetry;
import io.contrail.telemetry.TelemetryFactory;
import io.contrail.telemetry.traces.StoredResources;
import io.contrail.telemetry.traces.TracesTelemetry;
import io.contrail.telemetry.traces.Tracing;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The wiring every role shares, built with plain constructors from one {@link Environment}
 * snapshot: the configuration, the OpenTelemetry settings (both checked before anything starts),
 * the metadata database and its stores, the role's telemetry, and the one {@link RunCreator}.
 * Role roots ({@link SchedulerProcess}, {@link Foreground}, the CLI commands) add what they need.
 */
public final class Contrail implements AutoCloseable {
  private final Role role;
  private final ContrailConfig config;
  private final OtelSettings otel;
  private final Database database;
  private final Stores stores;
  /** Whether this process records finished spans in the outbox (the run and operation stores alike). */
  private final SpanRecording recording;
  // microsecond ticks: what H2 and PostgreSQL store, so run ids and stored times agree exactly
  private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
  private final Telemetry telemetry;
  private final TelemetryFactory.Built built;
  private final RunCreator runCreator;
  private final TaskClassLoader taskClassLoader;
  private final SecretsMasker masker;
  private final Tracer tracer;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private WakeUps wakeUps; // opened when first used
  private volatile Consumer<String> notices = System.err::println;

  private Contrail(Role role, ContrailConfig config, Environment env, boolean migrate) {
    this.role = role;
    this.config = role.scraped() ? config : config.withMetrics(config.metrics().withoutPrometheus());
    // the process's outputs are masked from the first line on, component logs included
    this.masker = SecretsMasker.create(SecretNames.with(config.core().sensitiveVarConnNames()));
    ProcessSecrets.register(masker, config, env);
    ProcessMasking.install(masker);
    // every OpenTelemetry setting is checked before the database is opened
    try {
      // a short command builds the SDK only if it starts a run or exports (a bad setting fails it then)
      this.otel = role == Role.CLI ? OtelSettings.deferred(env) : OtelSettings.resolve(env);
      this.built = TelemetryFactory.create(this.config, otel, role.traces(), masker);
    } catch (RuntimeException e) {
      ProcessMasking.uninstall(masker);
      throw e;
    }
    this.telemetry = built.telemetry();
    this.tracer = built.traces().map(t -> t.tracing().tracer())
        .orElseGet(() -> OpenTelemetry.noop().getTracer(ContrailResource.SCOPE));
    ContrailConfig.Database db = config.database();
    try {
      this.database = Database.open(db.url(), db.user(), db.password(), db.poolSize(), config.home());
      database.secrets().forEach(masker::addSecret);
    } catch (RuntimeException e) {
      telemetry.close();
      ProcessMasking.uninstall(masker);
      // the pool's own message does not say which database: this one does, with the cause
      throw new StorageException("cannot open the database " + db.url().replaceAll("(?i)(password=)[^&;]*", "$1***") + ": "
          + rootMessage(e), e);
    }
    try {
      if (migrate) {
        // a server validates every applied migration (Flyway); a short command only checks that
        // none is missing, with one query, and leaves Flyway unloaded when none is
        if (role == Role.CLI) {
          database.migrateIfBehind();
        } else {
          database.migrate();
        }
      }
      this.recording = spanRecording(config, otel, migrate);
      this.stores = Stores.jdbc(database, recording);
      if (migrate && config.traces().otelOn()) {
        startExporting(Stores.spanOutbox(database));
      }
      if (migrate && role.runsTasks()) {
        // after the migration: the outboxes ship finished spans and log lines from the database's
        // tables (the API server runs no tasks and leaves that to the scheduler)
        built.shipSpansFrom(new Tracing.Source(Stores.spanOutbox(database), stores.runs(), stores.dags(),
            Stores.logOutbox(database)));
      }
    } catch (RuntimeException e) {
      telemetry.close();
      database.close();
      ProcessMasking.uninstall(masker);
      throw e;
    }
    if (migrate) {
      stores.pools().ensure("default_pool", config.core().defaultPoolSlots(), "Default pool");
    }
    this.runCreator = new RunCreator(stores.runs(), telemetry, otel.deferredSampler(), clock, masker);
    // a run triggered here (CLI, API) is started by a scheduler in another process at once
    runCreator.onCreated(run -> {
      if (run.runType() == RunType.SCHEDULED) {
        return; // the scheduler's own
      }
      if (database.isPostgres()) {
        wakeUps().notify(WakeUps.RUN_QUEUED, run.dagId());
      } else {
        LocalWakePort.send(config.home());
      }
    });
    this.taskClassLoader = new TaskClassLoader(config.core().dagsFolder());
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /**
   * With [traces] otel_on, every finished sampled run, task instance and attempt is recorded in
   * the span outbox in the transaction that finishes it — whichever role finishes it — with this
   * process's resource; with traces off nothing is recorded.
   */
  private static SpanRecording spanRecording(ContrailConfig config, OtelSettings otel, boolean migrated) {
    if (!migrated || !config.traces().otelOn()) {
      return SpanRecording.OFF;
    }
    return SpanRecording.of(() -> StoredResources.encode(ContrailResource.process(config, otel)))
        .withLogs(config.logs().otelOn());
  }

  /** The first process with traces on marks the database; see [traces] first_export_since. */
  private void startExporting(SpanOutbox outbox) {
    Instant since = config.traces().firstExportSince();
    if (outbox.startExporting(clock.instant(), since)) {
      LoggerFactory.getLogger(Contrail.class).info("traces are on for this database from now on{}; runs finished"
          + " before are exported on request (traces export --since)", since == null ? "" : " (and runs queued since " + since + ")");
    }
  }

  /** Loads contrail.cfg from the environment's CONTRAIL_HOME and opens the database, migrated. */
  public static Contrail start(Role role, Environment env) {
    return start(role, ConfigLoader.load(env.home(), env.variables()), env);
  }

  /** Opens on a configuration built elsewhere (tests, benchmarks), migrating the database. */
  public static Contrail start(Role role, ContrailConfig config, Environment env) {
    return new Contrail(role, config, env, true);
  }

  /** Opens the database without migrating it, for {@code db migrate} and {@code db check}. */
  public static Contrail unmigrated(Environment env) {
    return new Contrail(Role.CLI, ConfigLoader.load(env.home(), env.variables()), env, false);
  }

  public Role role() {
    return role;
  }

  public ContrailConfig config() {
    return config;
  }

  public OtelSettings otel() {
    return otel;
  }

  public Database database() {
    return database;
  }

  public Stores stores() {
    return stores;
  }

  public Clock clock() {
    return clock;
  }

  public String hostname() {
    return otel.environment().hostname();
  }

  public Telemetry telemetry() {
    return telemetry;
  }

  /** This process's one secrets masker: every output it prints or exports goes through it. */
  public SecretsMasker masker() {
    return masker;
  }

  /** A tracer for spans this process starts itself (API requests); a no-op one with traces off. */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * Wake-ups between this process and the others on its database (PostgreSQL NOTIFY/LISTEN; none
   * on H2, where processes poll), opened when first used and closed — after what is pending was
   * sent — when this closes.
   */
  public synchronized WakeUps wakeUps() {
    if (wakeUps == null) {
      wakeUps = WakeUps.open(database);
    }
    return wakeUps;
  }

  /**
   * Wakes {@code scheduler} when another process queues a run to start now, and — when it only
   * queues ({@code executor = distributed}) — when a worker ends a try, so the next tasks are
   * queued at once rather than at the next loop. Without NOTIFY (the embedded database) a CLI
   * command of this installation that queued a run sends a datagram ({@link LocalWakePort}).
   */
  public void wakeAcrossProcesses(Scheduler scheduler) {
    WakeUps w = wakeUps();
    if (!w.active()) {
      // no NOTIFY (the embedded database): a CLI command on this installation sends a datagram
      LocalWakePort port = LocalWakePort.listen(config.home(), scheduler::runQueued);
      if (port != null) {
        closeables.add(port);
      }
      return;
    }
    w.listen(WakeUps.RUN_QUEUED, dagId -> scheduler.runQueued());
    if (queuesOnly()) {
      w.listen(WakeUps.TRY_ENDED, payload -> {
        TaskInstanceKey task = WakeUps.taskKey(payload);
        RunKey run = WakeUps.runKey(payload);
        if (task != null) {
          // one row read, not the whole run: the scheduler advances the run from what it holds
          stores.runs().taskInstance(task).ifPresentOrElse(scheduler::taskChanged, () -> scheduler.wake(run));
        } else if (run != null) {
          scheduler.wake(run);
        } else {
          scheduler.readEverythingAgain(); // may have missed some: one full loop reads every run
        }
      });
    }
  }

  private boolean queuesOnly() {
    return DISTRIBUTED.equals(config.core().executor()) && (role == Role.SCHEDULER || role == Role.STANDALONE);
  }

  /** Where every run of this process is created. */
  public RunCreator runCreator() {
    return runCreator;
  }

  /** A DAG sync of dags_folder (and the bundled examples) into the database. */
  public DagSync dagSync() {
    ContrailConfig.Core core = config.core();
    DagProcessor processor = DagProcessor.sharingParsesIn(config.home(), core.dagsFolder(), core.loadExamples(),
        core.maxDagFileBytes(), Duration.ofMillis(core.dagbagImportTimeoutMs()));
    return new DagSync(processor, stores.dags(), stores.pools(), clock, telemetry,
        config.core().dagsArePausedAtCreation(), config.core().defaultPoolSlots());
  }

  /**
   * A scheduler over this process's stores with an executor of its own (the [core] executor),
   * ready for its scope; the caller adds a DAG sync when it keeps dags_folder in step.
   */
  public Scheduler.Builder scheduler(Scheduler.Scope scope) {
    LocalExecutors executors = executors();
    String name = config.core().executor();
    int parallelism = config.core().parallelism();
    // with executor = distributed the scheduler and standalone roles only queue (workers run the
    // tasks); a foreground run (dags test, backfill, bench) runs its own tasks here all the same
    boolean queueOnly = queuesOnly();
    String local = DISTRIBUTED.equals(name) ? "local" : name;
    return Scheduler.builder(stores)
        .executor(onFinished -> queueOnly
            ? LocalExecutors.queueing(parallelism, stores.runs(),
                queued -> wakeUps().notify(WakeUps.QUEUED, queued.profile().queue()))
            : executors.create(local, parallelism, onFinished))
        .runCreator(runCreator)
        .operations(Stores.operations(database, recording))
        .clock(clock)
        .telemetry(telemetry)
        .intervals(Scheduler.Intervals.of(config.scheduler()))
        .scope(scope)
        .hostname(hostname())
        .jobType(role.id())
        .logsRoot(config.logs().baseLogFolder())
        // the span outbox claims under the scheduler's job, so declaring it dead frees its claims
        .onJobStarted(jobId -> built.traces().ifPresent(t -> t.claimFor(jobId)));
  }

  /** The executor name whose schedulers only queue and whose workers run the tasks. */
  public static final String DISTRIBUTED = "distributed";

  /**
   * A distributed worker over this process's stores: its claimed tries run on a local executor
   * of {@code settings.concurrency()} threads, with the attempt code every executor shares.
   */
  public Worker worker(Worker.Settings settings) {
    LocalExecutors executors = executors();
    ContrailConfig.Scheduler s = config.scheduler();
    JobLease lease = new JobLease(stores.jobs(), clock, telemetry, role.id(), hostname(), ProcessIdentity.current(),
        Duration.ofMillis(s.jobHeartbeatMs()), Duration.ofMillis(s.zombieThresholdMs()));
    Worker[] worker = new Worker[1];
    WakeUps wake = wakeUps();
    Executor executor = executors.create(DISTRIBUTED, settings.concurrency(), (key, stored) -> {
      worker[0].taskFinished();
      wake.notify(WakeUps.TRY_ENDED, WakeUps.payload(key)); // the schedulers queue what follows
    });
    // the runs a recovery changes are advanced by the schedulers (woken): a worker decides no run
    ZombieReaper reaper = new ZombieReaper(stores.runs(), stores.jobs(), clock, telemetry, hostname(),
        config.logs().baseLogFolder(), dagId -> stores.dags().find(dagId).map(io.contrail.storage.StoredDag::dag),
        key -> wake.notify(WakeUps.TRY_ENDED, WakeUps.payload(key)), lease, executor);
    worker[0] = new Worker(Stores.workers(database), stores.runs(), stores.dags(), executor, lease, clock, telemetry,
        settings, jobId -> built.traces().ifPresent(t -> t.claimFor(jobId)), reaper,
        Duration.ofMillis(s.jobHeartbeatMs()), Duration.ofMillis(s.zombieThresholdMs()));
    Set<String> queues = Set.copyOf(settings.queues());
    wake.listen(WakeUps.QUEUED, queue -> {
      if (queue == null || queues.contains(queue)) {
        worker[0].workQueued();
      }
    });
    return worker[0];
  }

  /** Executors for this process: their state changes go through one group commit. */
  private LocalExecutors executors() {
    GroupCommit groupCommit = new GroupCommit(stores.runs());
    closeables.add(groupCommit);
    return new LocalExecutors(stores.runs(), groupCommit::write, clock, telemetry, attemptSettings(), taskClassLoader);
  }

  private AttemptSettings attemptSettings() {
    Path logs = config.logs().baseLogFolder();
    try {
      // attempt logs are the user's alone, also those an older Contrail wrote (0644 in 0755 folders)
      PrivateFiles.createDirectories(logs);
      PrivateFiles.restrict(logs);
    } catch (IOException e) {
      LoggerFactory.getLogger(Contrail.class).warn("cannot make {} private: {}", logs, e.toString());
    }
    return new AttemptSettings(config.core().executor(), logs, config.core().dagsFolder(), hostname(),
        otel.envForTasks(config.traces()), otel.propagator(), masker, config.scheduler().maxHandbacks(),
        config.core().shellDirectExec());
  }

  /** Runs the callbacks recorded on this database, started; stopped when this closes. */
  public CallbackRunner callbackRunner() {
    CallbackRunner runner = new CallbackRunner(Stores.callbacks(database), stores.runs(), stores.dags(), clock,
        telemetry, attemptSettings(), Duration.ofMillis(Math.min(1000, config.scheduler().loopIntervalMs())));
    closeables.add(runner);
    return runner.start();
  }

  /** Clear, mark, delete and wait, as the CLI (and the REST API) offer them. */
  public RunOperations operations() {
    return new RunOperations(stores, Stores.operations(database, recording), clock, telemetry);
  }

  /** Runs one task alone in the foreground, storing nothing ({@code tasks test}). */
  public TaskTester taskTester() {
    return new TaskTester(clock, attemptSettings(), taskClassLoader);
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(Contrail.class).warn("closing {} failed: {}", c, e.toString());
      }
    }
    WakeUps w;
    synchronized (this) {
      w = wakeUps;
    }
    if (w != null) {
      w.close(); // after the executors: the wake-ups of their last tries go out
    }
    telemetry.close();
    built.traces().flatMap(TracesTelemetry::leftOver).ifPresent(notices);
    database.close();
    ProcessMasking.uninstall(masker);
  }

  /**
   * Where the one-line notes of a stopping process go (spans left in the database for the next
   * process); stderr unless the role says otherwise.
   */
  public Contrail notices(Consumer<String> sink) {
    this.notices = sink;
    return this;
  }
}
