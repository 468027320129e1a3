package io.contrail.telemetry.metrics;

import io.contrail.cli.App;
import io.contrail.config.ConfigLoader;
import io.contrail.dag.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunType;
import io.contrail.scheduler.RunFactory;
import io.contrail.scheduler.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Contrail with its real components for metrics tests: a home in a temp folder, YAML DAGs written
 * there, an H2 in-memory database; runs a DAG to completion in-process (as {@code dags test}
 * does) or as a {@code dags test} child process.
 */
final class ContrailUnderTest {
  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  ContrailUnderTest(Path home) {
    this.home = home;
    env.put("CONTRAIL__CORE__LOAD_EXAMPLES", "false");
    env.put("CONTRAIL__CORE__DAGS_FOLDER", home.resolve("dags").toString());
    env.put("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200");
    env.put("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "200");
  }

  ContrailUnderTest set(String variable, Object value) {
    env.put(variable, String.valueOf(value));
    return this;
  }

  ContrailUnderTest dag(String fileName, String yaml) {
    try {
      Files.createDirectories(home.resolve("dags"));
      Files.writeString(home.resolve("dags").resolve(fileName), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Opens Contrail in this JVM on a fresh in-memory database. */
  App open() {
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("CONTRAIL__DATABASE__URL", "jdbc:h2:mem:metrics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return App.open(ConfigLoader.load(home, e), true, "dags_test");
  }

  /** One manual run of the DAG, run to completion in this process. */
  static DagRun run(App app, String dagId) {
    app.dagSync().sync();
    Dag dag = app.stores().dags().find(dagId).orElseThrow().dag();
    var now = app.clock().instant();
    RunFactory.NewRun nr = RunFactory.create(dag, RunType.MANUAL, null, now, null, null, null, now);
    app.stores().runs().createRun(nr.run(), nr.taskInstances());
    app.telemetry().taskInstancesCreated(nr.run(), nr.taskInstances());
    AtomicBoolean finished = new AtomicBoolean();
    Scheduler scheduler = app.scheduler(false, false, nr.run().key()::equals, r -> finished.set(true));
    scheduler.start("dags_test", app.hostname());
    scheduler.loop(0, finished::get);
    return app.stores().runs().findRun(nr.run().key()).orElseThrow();
  }

  /** {@code contrail dags test ID} as a child process with this home and environment; its exit code. */
  int dagsTestProcess(String dagId) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.contrail.cli.Main", "dags", "test", dagId)
        .redirectErrorStream(true).redirectOutput(home.resolve("dags-test-" + dagId.hashCode() + ".log").toFile());
    pb.environment().putAll(env);
    pb.environment().put("CONTRAIL_HOME", home.toString());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("dags test " + dagId + " did not finish within 60 s");
    }
    return p.exitValue();
  }

  String processOutput(String dagId) throws IOException {
    return Files.readString(home.resolve("dags-test-" + dagId.hashCode() + ".log"));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** success, failure and a retry in one run: the run fails because "broken" fails. */
  static final String MIXED_DAG = """
      dag_id: metrics_mixed
      schedule: null
      start_date: 2026-01-01
      tasks:
        - task_id: ok
          type: noop
        - task_id: broken
          type: shell
          command: "exit 3"
        - task_id: flaky
          type: shell
          command: '[ "$CONTRAIL_TRY_NUMBER" -ge 2 ]'
          retries: 1
          retry_delay: 100ms
      """;
}
