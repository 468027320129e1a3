package io.contrail.telemetry.traces;

import io.contrail.dag.Dag;
import io.contrail.dag.DagProcessor;
import io.contrail.executor.AttemptRunner;
import io.contrail.executor.LocalExecutor;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunSampler;
import io.contrail.run.RunType;
import io.contrail.scheduler.DagSync;
import io.contrail.scheduler.RunFactory;
import io.contrail.scheduler.Scheduler;
import io.contrail.storage.Database;
import io.contrail.storage.JdbcDagStore;
import io.contrail.storage.JdbcJobStore;
import io.contrail.storage.JdbcPoolStore;
import io.contrail.storage.JdbcRunStore;
import io.contrail.storage.JdbcSpanOutbox;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Test fixture: the real stores on an in-memory H2 database, DAG files in a folder, and a real
 * scheduler with the local executor that runs one run to its end in this JVM.
 */
final class TracedRuns implements AutoCloseable {
  final Database database = new Database("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  final Scheduler.Stores stores;
  final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
  private final Path dags;
  private final Path logs;
  private TextMapPropagator propagator; // null: the executor's default (W3C trace context, baggage)

  TracedRuns(Path home) throws Exception {
    database.migrate();
    stores = new Scheduler.Stores(new JdbcDagStore(database.sql()), new JdbcRunStore(database.sql()),
        new JdbcPoolStore(database.sql()), new JdbcJobStore(database.sql()));
    stores.pools().ensure("default_pool", 128, "Default pool");
    dags = Files.createDirectories(home.resolve("dags"));
    logs = Files.createDirectories(home.resolve("logs"));
  }

  TracedRuns dag(String fileName, String yaml) throws Exception {
    Files.writeString(dags.resolve(fileName), yaml);
    new DagSync(new DagProcessor(dags, false), stores.dags(), stores.pools(), clock, Telemetry.NOOP, false, 128).sync();
    return this;
  }

  /** The propagator http tasks inject the attempt's span context with. */
  TracedRuns propagator(TextMapPropagator propagator) {
    this.propagator = propagator;
    return this;
  }

  Dag find(String dagId) {
    return stores.dags().find(dagId).orElseThrow().dag();
  }

  /** Creates a manual run and runs it to its end; returns the finished run row. */
  DagRun run(String dagId, String conf, String traceparent) {
    var now = clock.instant();
    var nr = RunFactory.create(find(dagId), RunType.MANUAL, null, now, null, conf, traceparent, now,
        RunSampler.PARENT_BASED_ALWAYS_ON);
    stores.runs().createRun(nr.run(), nr.taskInstances());
    RunKey key = nr.run().key();
    Scheduler[] self = new Scheduler[1];
    AttemptRunner runner = new AttemptRunner(stores.runs()::update, clock, Telemetry.NOOP,
        new AttemptRunner.Settings("local", logs, dags, "testhost", Map.of(), propagator),
        () -> TracedRuns.class.getClassLoader(), (k, stored) -> self[0].wake(k.runKey()));
    self[0] = new Scheduler(stores, new LocalExecutor("local", 4, runner, stores.runs()), null, clock, Telemetry.NOOP,
        new Scheduler.Options(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofSeconds(5), false, key::equals, r -> { }), "testhost");
    self[0].start("test", "testhost");
    long deadline = System.currentTimeMillis() + 30_000;
    self[0].loop(0, () -> System.currentTimeMillis() > deadline
        || stores.runs().findRun(key).orElseThrow().state().isFinished());
    return stores.runs().findRun(key).orElseThrow();
  }

  OutboxExporter exporter(SpanExporter exporter) {
    return new OutboxExporter(new JdbcSpanOutbox(database.sql()), stores.runs(), stores.dags(),
        new SpanMapper(dagId -> Resource.getDefault()), exporter, clock,
        new OutboxExporter.Options(50, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMillis(10), Duration.ofMillis(100)));
  }

  @Override
  public void close() {
    database.close();
  }
}
