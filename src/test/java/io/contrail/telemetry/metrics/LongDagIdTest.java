package io.contrail.telemetry.metrics;

import io.contrail.telemetry.ContrailResource;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A dag_id of the maximum length runs and succeeds with StatsD, OTLP and Prometheus all on. */
class LongDagIdTest {
  private static final String DAG_ID = "long_" + "x".repeat(245);

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void dagWith250CharacterIdRunsWithEveryBackendOnAndDropsOnlyTheTooLongLegacyNames(@TempDir Path home) throws Exception {
    assertThat(DAG_ID).hasSize(250);
    int prometheusPort = InProcessContrail.freePort();
    try (StatsdReceiver statsd = new StatsdReceiver()) {
      InProcessContrail contrail = new InProcessContrail(home).role(Role.SCHEDULER).dag("long.yaml", """
          dag_id: %s
          schedule: null
          start_date: 2026-01-01
          tasks:
            - task_id: say_hello
              type: shell
              command: "echo hello"
          """.formatted(DAG_ID))
          .set("CONTRAIL__METRICS__STATSD_ON", true).set("CONTRAIL__METRICS__STATSD_HOST", "127.0.0.1")
          .set("CONTRAIL__METRICS__STATSD_PORT", statsd.port()).set("CONTRAIL__METRICS__STATSD_DATADOG_TAGS", true)
          .set("CONTRAIL__METRICS__PROMETHEUS_ON", true).set("CONTRAIL__METRICS__PROMETHEUS_PORT", prometheusPort)
          // nobody listens there: exports fail, are counted, and the run does not notice
          .set("CONTRAIL__METRICS__OTEL_ON", true).set("CONTRAIL__METRICS__OTEL_HOST", "127.0.0.1")
          .set("CONTRAIL__METRICS__OTEL_PORT", InProcessContrail.freePort())
          .set("CONTRAIL__METRICS__OTEL_INTERVAL_MILLISECONDS", 100);
      String scrape;
      DagRun run;
      try (contrail) {
        run = contrail.run(DAG_ID);
        scrape = PrometheusEndpointTest.scrape(prometheusPort, "text/plain");
      }

      assertThat(run.state()).isEqualTo(RunState.SUCCESS);
      List<String> lines = statsd.awaitLine(l -> l.startsWith("contrail.telemetry.metrics.dropped:"), Duration.ofSeconds(5));
      assertThat(lines)
          .contains("contrail.ti.finish:1|c|#dag_id:" + DAG_ID + ",task_id:say_hello,state:success")
          .anyMatch(l -> l.startsWith("contrail.dagrun.duration.success:") && l.endsWith("|ms|#dag_id:" + DAG_ID + ",run_type:manual"))
          .anyMatch(l -> l.matches("contrail\\.telemetry\\.metrics\\.dropped:\\d+\\|c\\|#backend:statsd,reason:name_too_long"))
          .noneMatch(l -> l.startsWith("contrail.ti.finish." + DAG_ID))
          .allMatch(l -> l.indexOf(':') <= MetricNames.STATSD_MAX);
      assertThat(scrape).contains("contrail_ti_finish_total{dag_id=\"" + DAG_ID
          + "\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",state=\"success\",task_id=\"say_hello\"} 1.0");
    }
  }
}
