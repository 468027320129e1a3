package io.contrail.telemetry.metrics;

import io.contrail.telemetry.ContrailResource;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.testing.InProcessContrail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The /metrics endpoint scraped over HTTP after one real run with a success, a failure and a retry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrometheusEndpointTest {
  private DagRun run;
  private TaskInstance flaky;
  private String openMetrics;
  private String text;

  @BeforeAll
  void runMixedDagAndScrape(@TempDir Path home) throws Exception {
    int port = InProcessContrail.freePort();
    InProcessContrail contrail = new InProcessContrail(home).role(Role.SCHEDULER).dag("mixed.yaml", MetricsDags.MIXED)
        .set("CONTRAIL__METRICS__PROMETHEUS_ON", true).set("CONTRAIL__METRICS__PROMETHEUS_PORT", port)
        .set("CONTRAIL__METRICS_TAGS__CLUSTER", "blue");
    try (contrail) {
      run = contrail.run("metrics_mixed");
      flaky = contrail.stores().runs().taskInstances(run.key()).stream()
          .filter(ti -> ti.taskId().equals("flaky")).findFirst().orElseThrow();
      // OpenMetrics first: exemplars are handed out once per collection
      openMetrics = scrape(port, "application/openmetrics-text; version=1.0.0");
      text = scrape(port, "text/plain");
    }
  }

  @Test
  void runOutcomeIsWhatTheMetricsDescribe() {
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(flaky.state()).isEqualTo(io.contrail.run.TaskState.SUCCESS);
  }

  @Test
  void tiFinishCountsEveryAttemptByStateWithDagAndTaskLabels() {
    assertThat(text)
        .contains("contrail_ti_finish_total{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",state=\"failed\",task_id=\"broken\"} 1.0")
        .contains("contrail_ti_finish_total{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",state=\"up_for_retry\",task_id=\"flaky\"} 1.0")
        .contains("contrail_ti_finish_total{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",state=\"success\",task_id=\"flaky\"} 1.0")
        .contains("contrail_ti_start_total{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",task_id=\"flaky\"} 2.0");
  }

  @Test
  void failuresAndSuccessesCarryTheOperator() {
    assertThat(text)
        .contains("contrail_ti_failures_total{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",task_id=\"broken\"} 1.0")
        .contains("contrail_operator_failures_total{cluster=\"blue\",dag_id=\"metrics_mixed\",operator=\"shell\",operator_name=\"shell\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",task_id=\"flaky\"} 1.0")
        .contains("contrail_operator_successes_total{cluster=\"blue\",dag_id=\"metrics_mixed\",operator=\"noop\",operator_name=\"noop\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",task_id=\"ok\"} 1.0")
        // Prometheus reserves the _created suffix: task_instance_created is exposed as task_instance_total
        .contains("contrail_task_instance_total{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",run_type=\"manual\",task_type=\"shell\"} 2.0");
  }

  @Test
  void durationsAreHistogramsInMilliseconds() {
    assertThat(text)
        .contains("contrail_dagrun_duration_failed_milliseconds_count{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",run_type=\"manual\"} 1")
        .contains("contrail_task_duration_milliseconds_count{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",task_id=\"flaky\"} 2")
        .contains("contrail_task_duration_milliseconds_bucket{cluster=\"blue\",dag_id=\"metrics_mixed\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",task_id=\"ok\",le=\"8.64E7\"} 1")
        .contains("contrail_task_queued_duration_milliseconds_count{")
        .contains("contrail_task_scheduled_duration_milliseconds_count{")
        .contains("contrail_scheduler_scheduler_loop_duration_milliseconds_count{")
        .contains("contrail_scheduler_critical_section_duration_milliseconds_count{")
        .contains("contrail_dag_processing_last_duration_milliseconds_count{");
  }

  @Test
  void gaugesReportCurrentValues() {
    assertThat(text)
        .contains("contrail_dagbag_size{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\"} 1.0")
        .contains("contrail_dag_processing_import_errors{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\"} 0.0")
        .contains("contrail_dag_processing_total_parse_time{")
        .contains("contrail_scheduler_heartbeat_total{")
        .contains("contrail_scheduler_tasks_starving{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\"} 0.0")
        .contains("contrail_scheduler_tasks_executable{")
        .contains("contrail_scheduler_dagruns_running{")
        .contains("contrail_executor_open_slots{cluster=\"blue\",executor=\"local\",executor_class_name=\"LocalExecutor\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",status=\"open\"}")
        .contains("contrail_executor_queued_tasks{")
        .contains("contrail_executor_running_tasks{")
        .contains("contrail_pool_open_slots{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",pool_name=\"default_pool\"}")
        .contains("contrail_pool_queued_slots{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",pool_name=\"default_pool\"}")
        .contains("contrail_pool_running_slots{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",pool_name=\"default_pool\"}")
        .contains("contrail_pool_starving_tasks{cluster=\"blue\",otel_scope_name=\"io.contrail\",otel_scope_version=\"" + ContrailResource.VERSION + "\",pool_name=\"default_pool\"} 0.0");
  }

  @Test
  void queuedAndScheduledDurationsCarryAirflowsQueue() {
    assertThat(text).containsPattern("contrail_task_queued_duration_milliseconds_count\\{[^}]*queue=\"default\"")
        .containsPattern("contrail_task_scheduled_duration_milliseconds_count\\{[^}]*queue=\"default\"");
  }

  @Test
  void noLegacyNameOnTheScrapeEndpointAlthoughLegacyNamesAreOn() {
    assertThat(text).doesNotContain("metrics_mixed_").doesNotContain("default_pool{").doesNotContain("LocalExecutor{")
        .doesNotContain("contrail_dag_metrics").doesNotContain("operator_failures_shell");
  }

  @Test
  void resourceTellsProcessesApart() {
    assertThat(text).containsPattern("target_info\\{.*service_instance_id=\"[0-9a-f-]{36}\".*service_name=\"contrail\"");
  }

  @Test
  void taskDurationExemplarPointsAtTheAttemptSpan() {
    assertThat(openMetrics).containsPattern(Pattern.compile(
        "contrail_task_duration_milliseconds_bucket\\{[^}]*task_id=\"flaky\"[^}]*\\} \\d+ # \\{span_id=\""
            + flaky.trace().attemptSpanId() + "\",trace_id=\"" + run.trace().traceId() + "\"\\}"));
    assertThat(openMetrics).containsPattern(Pattern.compile(
        "contrail_dagrun_duration_failed_milliseconds_bucket\\{[^}]*\\} \\d+ # \\{span_id=\""
            + run.trace().spanId() + "\",trace_id=\"" + run.trace().traceId() + "\"\\}"));
  }

  @Test
  void grafanaDashboardQueriesOnlyMetricsTheEndpointExposes() throws Exception {
    // the task-instances panel takes either name of task_instance_created; this endpoint's is without _created
    String dashboard = java.nio.file.Files.readString(Path.of("deploy/grafana/dashboards/contrail.json"))
        .replace("(_created)?", "");
    java.util.Set<String> queried = new java.util.TreeSet<>();
    var m = Pattern.compile("\\$\\{prefix\\}(_[a-z_]+)").matcher(dashboard);
    while (m.find()) {
      queried.add("contrail" + m.group(1));
    }
    // moments a manual run does not reach: scheduled runs, zombies, telemetry trouble
    java.util.Set<String> notInThisRun = java.util.Set.of("contrail_dagrun_duration_success_milliseconds",
        "contrail_dagrun_schedule_delay_milliseconds", "contrail_dagrun_first_task_scheduling_delay_milliseconds",
        "contrail_scheduler_tasks_killed_externally_total", "contrail_telemetry_metrics_dropped_total",
        "contrail_telemetry_export_failures_total", "contrail_telemetry_spans_waiting_for_export");
    assertThat(queried).hasSizeGreaterThan(20);
    for (String metric : queried) {
      String family = metric.replaceAll("_(bucket|count|sum)$", "");
      if (!notInThisRun.contains(family)) {
        assertThat(text).as("dashboard metric " + metric).contains("\n" + metric + "{");
      }
    }
  }

  static String scrape(int port, String accept) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
