package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.InProcessContrail;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exit codes README.md documents, as a user meets them: 3 with one line when the environment
 * is not usable, 2 with one line for bad configuration, 70 for a bug (its stack trace in the log
 * file, on the terminal only with --verbose); a CLI command leaves the Prometheus port alone; and
 * {@code bench} writes bench/RESULTS.md only with --record. Commands run in this JVM.
 */
@ExtendWith(CliExtension.class)
class ExitCodesTest {
  CliProcess cli;

  @Test
  void anUnreachableDatabaseIsOneLineAndExitThree() {
    cli.env("CONTRAIL__DATABASE__URL", "jdbc:postgresql://127.0.0.1:" + InProcessContrail.freePort() + "/contrail");
    long t0 = System.nanoTime();
    CliProcess.Result r = cli.call("dags", "list");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(r.stderr().strip()).as("one line").doesNotContain("\n").startsWith("error: ").containsIgnoringCase("connect");
    assertThat(r.stdout()).isEmpty();

    CliProcess.Result verbose = cli.call("dags", "list", "--verbose");
    assertThat(verbose.exitCode()).isEqualTo(3);
    assertThat(verbose.stderr()).contains("\tat ");
  }

  @Test
  void aSamplerTheSdkRejectsIsBadConfigurationInOneLine() {
    cli.dag("manual", "dag_id: manual\ntasks:\n  - task_id: t\n    type: noop\n");
    cli.env("CONTRAIL__TRACES__OTEL_ON", "true").env("OTEL_TRACES_SAMPLER", "sometimes");
    // a command that starts a run needs the sampler: it refuses the setting, and queues nothing
    CliProcess.Result r = cli.call("dags", "trigger", "manual");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr().strip()).doesNotContain("\n").contains("sometimes");
    // one that only reads (listing DAGs) builds no OpenTelemetry SDK, so it is not stopped by it
    CliProcess.Result list = cli.call("dags", "list", "--json");
    assertThat(list.exitCode()).as("%s", list).isZero();
    assertThat(cli.callOk("runs", "list", "--json").json()).isEmpty();
  }

  @Test
  void programmingErrorsAreInternalErrorsNotBadInput() {
    assertThat(ExitCodes.classify(new IllegalArgumentException("bug")).exitCode()).isEqualTo(70);
    assertThat(ExitCodes.classify(new NullPointerException()).exitCode()).isEqualTo(70);
    assertThat(ExitCodes.classify(new IllegalStateException("x", new BindException("Address already in use")))
        .exitCode()).isEqualTo(3);
    assertThat(ExitCodes.classify(new Main.UserError("no DAG 'x'")))
        .isEqualTo(new ExitCodes.Failure(2, "no DAG 'x'"));
  }

  @Test
  void aCliCommandDoesNotOpenThePrometheusPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      cli.env("CONTRAIL__METRICS__PROMETHEUS_ON", "true")
          .env("CONTRAIL__METRICS__PROMETHEUS_PORT", String.valueOf(taken.getLocalPort()));
      CliProcess.Result r = cli.call("dags", "list");
      assertThat(r.exitCode()).as("%s", r).isZero();
      // a server would warn that the port is taken; a CLI command never tries it
      assertThat(r.stderr()).doesNotContainIgnoringCase("prometheus").doesNotContain(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void benchWritesTheResultsFileOnlyWithRecord() throws Exception {
    Path results = cli.home().resolve("RESULTS.md");
    CliProcess.Result printed = cli.call("bench", "throughput", "--tasks", "3", "--results", results.toString());
    assertThat(printed.exitCode()).as("%s", printed).isZero();
    assertThat(printed.stdout()).contains("tasks_per_second");
    assertThat(results).doesNotExist();

    CliProcess.Result recorded = cli.call("bench", "throughput", "--tasks", "3", "--record", "--results", results.toString());
    assertThat(recorded.exitCode()).as("%s", recorded).isZero();
    assertThat(results).exists();
    assertThat(Files.readString(results)).contains("throughput");
  }

  @Test
  void theDistributedBenchmarksRefuseBadInputBeforeStartingAnything() {
    CliProcess.Result h2 = cli.call("bench", "distributed", "--db", "h2");
    assertThat(h2.exitCode()).as("%s", h2).isEqualTo(2);
    assertThat(h2.stderr()).contains("measures workers on PostgreSQL").contains("--db postgres");

    CliProcess.Result config = cli.call("bench", "distributed", "--config", "poll_interval_ms=50");
    assertThat(config.exitCode()).as("%s", config).isEqualTo(2);
    assertThat(config.stderr()).contains("--config 'poll_interval_ms=50': expected SECTION.NAME=VALUE");

    CliProcess.Result workers = cli.call("bench", "distributed-latency", "--workers", "0");
    assertThat(workers.exitCode()).as("%s", workers).isEqualTo(2);
    assertThat(workers.stderr()).contains("--workers");
  }
}
