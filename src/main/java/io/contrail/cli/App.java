package io.contrail.cli;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.dag.DagProcessor;
import io.contrail.executor.AttemptRunner;
import io.contrail.executor.Executor;
import io.contrail.executor.LocalExecutor;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.scheduler.DagSync;
import io.contrail.scheduler.Scheduler;
import io.contrail.storage.Database;
import io.contrail.storage.GroupCommit;
import io.contrail.storage.JdbcDagStore;
import io.contrail.storage.JdbcJobStore;
import io.contrail.storage.JdbcPoolStore;
import io.contrail.storage.JdbcRunStore;
import io.contrail.telemetry.Telemetry;
import io.contrail.telemetry.TelemetryFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The composition root of every process role: configuration, database, stores, and on demand the
 * DAG sync, executor and scheduler — wired with plain constructors.
 */
public final class App implements AutoCloseable {
  private final ContrailConfig config;
  private final Database database;
  private final Scheduler.Stores stores;
  // microsecond ticks: what H2 and PostgreSQL store, so run ids and stored times agree exactly
  private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
  private final Telemetry telemetry;
  private final List<AutoCloseable> closeables = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final String hostname = io.contrail.telemetry.Hostnames.local();

  private App(ContrailConfig config, boolean migrate, String role) {
    this.config = config;
    ContrailConfig.Database db = config.database();
    this.database = new Database(db.url(), db.user(), db.password(), db.poolSize());
    if (migrate) {
      database.migrate();
    }
    // after the migration: the traces backend ships finished spans from the database
    this.telemetry = TelemetryFactory.create(config, role, migrate ? database : null);
    this.stores = new Scheduler.Stores(new JdbcDagStore(database.sql()), new JdbcRunStore(database.sql()),
        new JdbcPoolStore(database.sql()), new JdbcJobStore(database.sql()));
    if (migrate) {
      stores.pools().ensure("default_pool", config.core().defaultPoolSlots(), "Default pool");
    }
  }

  /** Opens an App on a configuration built elsewhere (tests, embedding). */
  public static App open(ContrailConfig config, boolean migrate, String role) {
    return new App(config, migrate, role);
  }

  /** Loads contrail.cfg from CONTRAIL_HOME and opens the database, migrating it to the current schema. */
  public static App open() {
    return open(true, "cli");
  }

  /** @param role the process role, for telemetry (standalone, scheduler, dags_test, backfill, cli) */
  public static App open(boolean migrate, String role) {
    Map<String, String> env = System.getenv();
    ContrailConfig config = ConfigLoader.load(ConfigLoader.resolveHome(env), env);
    return new App(config, migrate, role);
  }

  /** An app on a given configuration (benchmarks, tests), migrating its database. */
  public static App create(ContrailConfig config, String role) {
    return new App(config, true, role);
  }

  public Telemetry telemetry() {
    return telemetry;
  }

  public ContrailConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public Scheduler.Stores stores() {
    return stores;
  }

  public Clock clock() {
    return clock;
  }

  public String hostname() {
    return hostname;
  }

  public DagSync dagSync() {
    DagProcessor processor = new DagProcessor(config.core().dagsFolder(), config.core().loadExamples());
    return new DagSync(processor, stores.dags(), stores.pools(), clock, telemetry,
        config.core().dagsArePausedAtCreation(), config.core().defaultPoolSlots());
  }

  /**
   * A scheduler with its own executor. {@code runFilter} limits it to some runs ({@code dags test},
   * backfill); {@code createScheduledRuns} and {@code sync} are on for the scheduler role.
   */
  public Scheduler scheduler(boolean createScheduledRuns, boolean sync, Predicate<RunKey> runFilter,
      Consumer<DagRun> onRunFinished) {
    var s = config.scheduler();
    Scheduler[] self = new Scheduler[1];
    Executor executor = executor((key, stored) -> {
      if (stored != null) {
        self[0].taskChanged(stored);
      } else {
        self[0].wake(key.runKey());
      }
    });
    self[0] = new Scheduler(stores, executor, sync ? dagSync() : null, clock, telemetry,
        new Scheduler.Options(Duration.ofMillis(s.loopIntervalMs()), Duration.ofMillis(s.jobHeartbeatMs()),
            Duration.ofMillis(s.zombieThresholdMs()), Duration.ofMillis(s.dagDirListIntervalMs()),
            Duration.ofMillis(s.gracefulShutdownTimeoutMs()), createScheduledRuns, runFilter, onRunFinished),
        hostname);
    return self[0];
  }

  private Executor executor(java.util.function.BiConsumer<io.contrail.run.TaskInstanceKey, io.contrail.run.TaskInstance> onFinished) {
    String name = config.core().executor();
    int parallelism = "sequential".equals(name) ? 1 : config.core().parallelism();
    GroupCommit groupCommit = new GroupCommit(stores.runs());
    closeables.add(groupCommit);
    AttemptRunner runner = new AttemptRunner(groupCommit::write, clock, telemetry,
        new AttemptRunner.Settings(name, config.logs().baseLogFolder(), config.core().dagsFolder(), hostname,
            otlpEnvForTasks(config, System.getenv()), io.contrail.telemetry.Propagators.fromEnvironment(System.getenv())),
        this::taskClassLoader, onFinished);
    return new LocalExecutor(name, parallelism, runner, stores.runs());
  }

  /**
   * The OTLP settings in force, for instrumented task processes: OTEL_EXPORTER_OTLP_* variables
   * set for Contrail are inherited anyway; contrail.cfg's [traces] endpoint and protocol fill in.
   * OTEL_PROPAGATORS (or -Dotel.propagators), when set, is passed on whether or not traces are on,
   * so that a task's own instrumentation propagates as Contrail does.
   */
  static Map<String, String> otlpEnvForTasks(ContrailConfig config, Map<String, String> env) {
    Map<String, String> out = new java.util.HashMap<>();
    String propagators = io.contrail.telemetry.Propagators.configured(env);
    if (propagators != null) {
      out.put("OTEL_PROPAGATORS", propagators);
    }
    if (!config.traces().otelOn()) {
      return Map.copyOf(out);
    }
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_EXPORTER_OTLP_")) {
        out.put(k, v);
      }
    });
    out.putIfAbsent("OTEL_EXPORTER_OTLP_ENDPOINT",
        io.contrail.telemetry.traces.TraceSdk.endpoint(config.traces()));
    out.putIfAbsent("OTEL_EXPORTER_OTLP_PROTOCOL", config.traces().otelProtocol());
    return Map.copyOf(out);
  }

  private volatile ClassLoader taskClassLoader;

  /** Java tasks load from the application classpath plus every jar in dags_folder. */
  private ClassLoader taskClassLoader() {
    if (taskClassLoader == null) {
      List<URL> jars = new ArrayList<>();
      Path folder = config.core().dagsFolder();
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.walk(folder)) {
          for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
            jars.add(p.toUri().toURL());
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      taskClassLoader = new URLClassLoader(jars.toArray(URL[]::new), App.class.getClassLoader());
    }
    return taskClassLoader;
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(App.class).warn("closing {} failed: {}", c, e.toString());
      }
    }
    telemetry.close();
    database.close();
  }
}
