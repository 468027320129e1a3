package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.testing.CliProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code contrail dags test} as a child process with DogStatsD on, prefix "airflow" (as an Airflow
 * dashboard expects) and a [metrics_tags] entry; a real UDP socket receives what it sends for one
 * run with a success, a failure and a retry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StatsdDagsTestTest {
  private final StatsdReceiver statsd = new StatsdReceiver();
  private int exitCode;
  private List<String> lines;

  StatsdDagsTestTest() throws Exception {}

  @BeforeAll
  void runMixedDagInAChildProcess(@TempDir Path home) throws Exception {
    try (CliProcess cli = new CliProcess(home)) {
      cli.dag("mixed", MetricsDags.MIXED);
      cli.env("CONTRAIL__METRICS__STATSD_ON", "true").env("CONTRAIL__METRICS__STATSD_HOST", "127.0.0.1")
          .env("CONTRAIL__METRICS__STATSD_PORT", String.valueOf(statsd.port()))
          .env("CONTRAIL__METRICS__STATSD_DATADOG_TAGS", "true").env("CONTRAIL__METRICS__STATSD_PREFIX", "airflow")
          .env("CONTRAIL__METRICS_TAGS__CLUSTER", "blue");
      CliProcess.Result r = cli.run("dags", "test", "metrics_mixed");
      exitCode = r.exitCode();
      lines = statsd.awaitLine(l -> l.startsWith("airflow.dagrun.duration.failed:"), Duration.ofSeconds(5));
      assertThat(exitCode).as("%s", r).isEqualTo(1);
    }
  }

  @AfterAll
  void close() {
    statsd.close();
  }

  @Test
  void failedTaskSendsTiFailuresWithDagAndTaskTags() {
    assertThat(lines)
        .contains("airflow.ti_failures:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:broken")
        .contains("airflow.ti.finish:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:broken,state:failed")
        .contains("airflow.operator_failures:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:broken,operator:shell");
  }

  @Test
  void retriedTaskSendsUpForRetryThenSuccess() {
    assertThat(lines).containsSubsequence(
        "airflow.ti.finish:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:flaky,state:up_for_retry",
        "airflow.ti.finish:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:flaky,state:success");
    assertThat(lines.stream().filter(l -> l.equals("airflow.ti.start:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:flaky")))
        .hasSize(2);
  }

  @Test
  void successfulTaskSendsTiSuccessesWithOperator() {
    assertThat(lines)
        .contains("airflow.ti_successes:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:ok")
        .contains("airflow.operator_successes:1|c|#cluster:blue,dag_id:metrics_mixed,task_id:ok,operator:noop")
        .contains("airflow.task_instance_created:2|c|#cluster:blue,dag_id:metrics_mixed,run_type:manual,task_type:shell");
  }

  @Test
  void legacyNamesCarryTheIdsInTheName() {
    assertThat(lines)
        .contains("airflow.ti.finish.metrics_mixed.broken.failed:1|c|#cluster:blue")
        .contains("airflow.ti.finish.metrics_mixed.flaky.up_for_retry:1|c|#cluster:blue")
        .contains("airflow.ti.start.metrics_mixed.ok:1|c|#cluster:blue")
        .contains("airflow.operator_failures_shell:1|c|#cluster:blue")
        .contains("airflow.task_instance_created_noop:1|c|#cluster:blue");
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.dagrun\\.duration\\.failed\\.metrics_mixed:\\d+(\\.\\d+)?\\|ms\\|#cluster:blue"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.dag\\.metrics_mixed\\.ok\\.duration:\\d+(\\.\\d+)?\\|ms\\|#cluster:blue"));
  }

  @Test
  void timersAreSentInMillisecondsWithTags() {
    assertThat(lines).anyMatch(l -> l.matches(
        "airflow\\.dagrun\\.duration\\.failed:\\d+(\\.\\d+)?\\|ms\\|#cluster:blue,dag_id:metrics_mixed,run_type:manual"));
    assertThat(lines).anyMatch(l -> l.matches(
        "airflow\\.task\\.duration:\\d+(\\.\\d+)?\\|ms\\|#cluster:blue,dag_id:metrics_mixed,task_id:ok"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.task\\.queued_duration:[0-9.]+\\|ms\\|#.*task_id:broken"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.task\\.scheduled_duration:[0-9.]+\\|ms\\|#.*task_id:broken"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.scheduler\\.scheduler_loop_duration:[0-9.]+\\|ms\\|#cluster:blue"));
  }

  @Test
  void gaugesAreSentWithTheirTags() {
    assertThat(lines)
        .contains("airflow.dagbag_size:1|g|#cluster:blue")
        .contains("airflow.dag_processing.import_errors:0|g|#cluster:blue")
        .contains("airflow.scheduler.tasks.starving:0|g|#cluster:blue");
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.executor\\.open_slots:\\d+\\|g\\|#cluster:blue,executor:local"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.pool\\.open_slots:\\d+\\|g\\|#cluster:blue,pool_name:default_pool"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.pool\\.open_slots\\.default_pool:\\d+\\|g\\|#cluster:blue"));
  }

  @Test
  void statsdLinesKeepTheirTagsWithoutAirflowsExtraKeysOrLegacyExecutorNames() {
    assertThat(lines).noneMatch(l -> l.contains("operator_name:") || l.contains("executor_class_name:")
        || l.contains("status:") || l.contains("queue:") || l.contains("Executor") || l.contains("__"));
    assertThat(lines).anyMatch(l -> l.matches("airflow\\.task\\.queued_duration:[0-9.]+\\|ms\\|#cluster:blue,dag_id:metrics_mixed,task_id:ok"));
  }

  @Test
  void noRunIdOrTryNumberOnAnyMetric() {
    assertThat(lines).noneMatch(l -> l.contains("manual__") || l.contains("try_number"));
  }
}
