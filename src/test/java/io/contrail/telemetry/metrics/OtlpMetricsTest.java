package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.testing.InProcessContrail;
import io.contrail.testing.MockOtlpServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** OTLP metrics from a real run reach a real OTLP receiver (@elastic/mockotlpserver). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OtlpMetricsTest {
  private MockOtlpServer collector;

  @BeforeAll
  void startCollector() {
    collector = MockOtlpServer.start();
  }

  @AfterAll
  void stopCollector() {
    collector.close();
  }

  /** Every metric received so far, each with its resource's attributes under "resource". */
  private List<JsonNode> metrics() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode req : collector.metricRequests()) {
      for (JsonNode rm : req.path("resourceMetrics")) {
        for (JsonNode sm : rm.path("scopeMetrics")) {
          for (JsonNode m : sm.path("metrics")) {
            var copy = (com.fasterxml.jackson.databind.node.ObjectNode) m.deepCopy();
            copy.set("resource", rm.path("resource").path("attributes"));
            out.add(copy);
          }
        }
      }
    }
    return out;
  }

  private List<JsonNode> awaitMetrics(String name, String dagId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (points(metrics(), name).stream().anyMatch(p -> p.path("attributes").path("dag_id").asText().equals(dagId))) {
        break;
      }
      Thread.sleep(100);
    }
    return metrics();
  }

  private static List<JsonNode> points(List<JsonNode> metrics, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : metrics) {
      if (m.path("name").asText().equals(name)) {
        for (String kind : List.of("sum", "gauge", "histogram", "exponentialHistogram")) {
          m.path(kind).path("dataPoints").forEach(out::add);
        }
      }
    }
    return out;
  }

  private static String hex(JsonNode buffer) {
    byte[] b = new byte[buffer.path("data").size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) buffer.path("data").get(i).asInt();
    }
    return HexFormat.of().formatHex(b);
  }

  private static JsonNode metric(List<JsonNode> metrics, String name) {
    return metrics.stream().filter(m -> m.path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not among " + metrics.stream().map(m -> m.path("name").asText())
            .collect(Collectors.toCollection(java.util.TreeSet::new))));
  }

  /** A sum point's value, which the receiver prints as a protobuf Long ({low, high}). */
  private static long asInt(JsonNode point) {
    JsonNode v = point.path("asInt");
    return v.isObject() ? (v.path("high").asLong() << 32) | (v.path("low").asLong() & 0xffffffffL) : v.asLong();
  }

  private static Map<String, String> attributes(JsonNode point) {
    Map<String, String> out = new TreeMap<>();
    point.path("attributes").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Also: StatsD is on beside OTLP with legacy_names_on, and only StatsD gets the legacy names. */
  @Test
  void grpcExportCarriesTheCatalogWithIdsAsAttributesResourceAndExemplars(@TempDir Path home) throws Exception {
    StatsdReceiver statsd = new StatsdReceiver();
    InProcessContrail contrail = new InProcessContrail(home).dag("mixed.yaml", MetricsDags.MIXED)
        .set("CONTRAIL__METRICS__OTEL_ON", true).set("CONTRAIL__METRICS__OTEL_HOST", "127.0.0.1")
        .set("CONTRAIL__METRICS__OTEL_PORT", collector.grpcPort())
        .set("CONTRAIL__METRICS__OTEL_INTERVAL_MILLISECONDS", 200)
        .set("CONTRAIL__METRICS__OTEL_PREFIX", "airflow")
        .set("CONTRAIL__METRICS__LEGACY_NAMES_ON", true)
        .set("CONTRAIL__METRICS__STATSD_ON", true).set("CONTRAIL__METRICS__STATSD_HOST", "127.0.0.1")
        .set("CONTRAIL__METRICS__STATSD_PORT", statsd.port()).set("CONTRAIL__METRICS__STATSD_PREFIX", "airflow");
    DagRun run;
    TaskInstance ok;
    List<String> statsdLines;
    try (statsd) {
      try (contrail) {
        run = contrail.run("metrics_mixed");
        ok = contrail.stores().runs().taskInstances(run.key()).stream().filter(t -> t.taskId().equals("ok")).findFirst().orElseThrow();
      }
      statsdLines = statsd.awaitLine(l -> l.startsWith("airflow.dagrun.duration.failed.metrics_mixed:"), Duration.ofSeconds(5));
    }
    assertThat(run.state()).isEqualTo(RunState.FAILED);

    List<JsonNode> metrics = awaitMetrics("airflow.dagrun.duration.failed", "metrics_mixed");
    Set<String> names = metrics.stream().map(m -> m.path("name").asText()).collect(Collectors.toSet());
    assertThat(names).contains("airflow.scheduler_heartbeat", "airflow.ti.start", "airflow.ti.finish",
        "airflow.ti_successes", "airflow.ti_failures", "airflow.operator_successes", "airflow.operator_failures",
        "airflow.task_instance_created", "airflow.dagbag_size", "airflow.dag_processing.import_errors",
        "airflow.dag_processing.total_parse_time", "airflow.scheduler.tasks.starving",
        "airflow.scheduler.tasks.executable", "airflow.scheduler.dagruns.running", "airflow.executor.open_slots",
        "airflow.executor.queued_tasks", "airflow.executor.running_tasks", "airflow.pool.open_slots",
        "airflow.pool.queued_slots", "airflow.pool.running_slots", "airflow.pool.starving_tasks",
        "airflow.dagrun.duration.failed", "airflow.task.duration", "airflow.task.queued_duration",
        "airflow.task.scheduled_duration", "airflow.scheduler.scheduler_loop_duration",
        "airflow.scheduler.critical_section_duration", "airflow.dag_processing.last_duration");

    assertThat(points(metrics, "airflow.ti.finish")).anySatisfy(p -> {
      assertThat(p.path("attributes").path("dag_id").asText()).isEqualTo("metrics_mixed");
      assertThat(p.path("attributes").path("task_id").asText()).isEqualTo("broken");
      assertThat(p.path("attributes").path("state").asText()).isEqualTo("failed");
    });
    JsonNode finish = metrics.stream().filter(m -> m.path("name").asText().equals("airflow.ti.finish")).findFirst().orElseThrow();
    assertThat(finish.path("sum").path("isMonotonic").asBoolean()).isTrue();
    assertThat(finish.path("resource").path("service.instance.id").asText()).hasSize(36);
    assertThat(finish.path("resource").path("service.name").asText()).isEqualTo("contrail");
    JsonNode dagbag = metrics.stream().filter(m -> m.path("name").asText().equals("airflow.dagbag_size")).findFirst().orElseThrow();
    assertThat(dagbag.has("gauge")).as("dagbag_size is a gauge").isTrue();
    JsonNode duration = metrics.stream().filter(m -> m.path("name").asText().equals("airflow.task.duration")).findFirst().orElseThrow();
    assertThat(duration.path("unit").asText()).isEqualTo("ms");
    assertThat(duration.has("exponentialHistogram")).as("an exponential histogram, as Airflow 3.3 sends: %s", duration).isTrue();

    // Airflow 3.3's attribute keys beside Contrail's, so an Airflow dashboard's filters match
    assertThat(points(metrics, "airflow.operator_failures")).anySatisfy(p -> assertThat(attributes(p))
        .containsEntry("operator_name", "shell").containsEntry("operator", "shell").containsEntry("task_id", "broken"));
    assertThat(points(metrics, "airflow.executor.open_slots")).anySatisfy(p -> assertThat(attributes(p))
        .containsEntry("executor_class_name", "LocalExecutor").containsEntry("status", "open").containsEntry("executor", "local"));
    assertThat(points(metrics, "airflow.executor.running_tasks")).allSatisfy(p ->
        assertThat(attributes(p)).containsEntry("status", "running"));
    for (String queued : List.of("airflow.task.queued_duration", "airflow.task.scheduled_duration")) {
      assertThat(points(metrics, queued)).isNotEmpty().allSatisfy(p ->
          assertThat(attributes(p)).containsEntry("queue", "default").containsKeys("dag_id", "task_id"));
    }

    // legacy_names_on: StatsD gets the names with the ids baked in; over OTLP no name carries an id,
    // the same measurements arrive under the catalog's names with the ids as attributes
    assertThat(statsdLines).contains("airflow.ti.finish.metrics_mixed.flaky.up_for_retry:1|c",
        "airflow.ti.start.metrics_mixed.ok:1|c", "airflow.operator_failures_shell:1|c")
        .anyMatch(l -> l.startsWith("airflow.dag.metrics_mixed.ok.duration:"))
        .anyMatch(l -> l.startsWith("airflow.pool.open_slots.default_pool:"));
    Set<String> ids = Set.of("metrics_mixed", "ok", "broken", "flaky", "shell", "noop", "default_pool", "LocalExecutor");
    assertThat(names).noneMatch(n -> ids.stream().anyMatch(id -> Pattern.compile("(^|[._])" + id + "([._]|$)").matcher(n).find()));
    assertThat(points(metrics, "airflow.ti.finish")).anySatisfy(p -> {
      assertThat(attributes(p)).isEqualTo(Map.of("dag_id", "metrics_mixed", "task_id", "flaky", "state", "up_for_retry"));
      assertThat(asInt(p)).isEqualTo(1);
    });
    assertThat(points(metrics, "airflow.task.duration")).anySatisfy(p ->
        assertThat(attributes(p)).isEqualTo(Map.of("dag_id", "metrics_mixed", "task_id", "ok")));
    assertThat(points(metrics, "airflow.pool.open_slots")).anySatisfy(p ->
        assertThat(attributes(p)).isEqualTo(Map.of("pool_name", "default_pool")));

    List<String> exemplarSpans = new ArrayList<>();
    for (JsonNode p : points(metrics, "airflow.task.duration")) {
      for (JsonNode e : p.path("exemplars")) {
        assertThat(hex(e.path("traceId"))).isEqualTo(run.trace().traceId());
        exemplarSpans.add(hex(e.path("spanId")));
      }
    }
    assertThat(exemplarSpans).contains(ok.trace().attemptSpanId());
    assertThat(points(metrics, "airflow.dagrun.duration.failed")).anySatisfy(p ->
        assertThat(StreamSupport.stream(p.path("exemplars").spliterator(), false).map(e -> hex(e.path("spanId"))))
            .contains(run.trace().spanId()));
  }

  /** Also: the Prometheus port is taken (a standalone serves it), which costs this process its endpoint only. */
  @Test
  void httpProtobufExportWithExplicitHistograms(@TempDir Path home) throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      exportOverHttp(home, taken.getLocalPort());
    }
  }

  private void exportOverHttp(Path home, int prometheusPort) throws Exception {
    InProcessContrail contrail = new InProcessContrail(home).role(Role.SCHEDULER).dag("ok.yaml", """
        dag_id: metrics_over_http
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: only
            type: noop
        """)
        .set("CONTRAIL__METRICS__OTEL_ON", true).set("CONTRAIL__METRICS__OTEL_HOST", "127.0.0.1")
        .set("CONTRAIL__METRICS__OTEL_PORT", collector.httpPort()).set("CONTRAIL__METRICS__OTEL_PROTOCOL", "http/protobuf")
        .set("CONTRAIL__METRICS__OTEL_INTERVAL_MILLISECONDS", 200)
        .set("CONTRAIL__METRICS__OTEL_HISTOGRAMS", "explicit")
        .set("CONTRAIL__METRICS__PROMETHEUS_ON", true).set("CONTRAIL__METRICS__PROMETHEUS_PORT", prometheusPort);
    try (contrail) {
      assertThat(contrail.run("metrics_over_http").state()).isEqualTo(RunState.SUCCESS);
    }

    List<JsonNode> metrics = awaitMetrics("contrail.dagrun.duration.success", "metrics_over_http");
    assertThat(points(metrics, "contrail.dagrun.duration.success"))
        .anySatisfy(p -> assertThat(p.path("attributes").path("dag_id").asText()).isEqualTo("metrics_over_http"));
    JsonNode duration = metric(metrics, "contrail.task.duration");
    assertThat(duration.has("histogram")).as("explicit buckets: %s", duration).isTrue();
    assertThat(duration.path("histogram").path("dataPoints").path(0).path("explicitBounds"))
        .extracting(JsonNode::asDouble).startsWith(1.0, 2.5, 5.0).endsWith(86_400_000.0);
    assertThat(metrics).extracting(m -> m.path("name").asText()).filteredOn(n -> n.startsWith("contrail."))
        .isNotEmpty().noneMatch(n -> n.contains("metrics_over_http") || n.contains("default_pool") || n.contains("LocalExecutor"));
  }
}
