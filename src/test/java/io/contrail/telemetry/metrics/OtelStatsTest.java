package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtelStatsTest {
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
  private final OtelStats stats = new OtelStats(provider.get(Metrics.SCOPE), "airflow",
      new MetricFilter(List.of(), List.of(Pattern.compile("^blocked"))), Map.of("cluster", "blue"), () -> { });

  @AfterEach
  void close() {
    provider.close();
  }

  private MetricData metric(String name) {
    Collection<MetricData> all = reader.collectAllMetrics();
    return all.stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + all.stream().map(MetricData::getName).toList()));
  }

  @Test
  void timingInASpanContextKeepsAnExemplarPointingAtTheSpan() {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String spanId = "b7ad6b7169203331";
    stats.timing("task.duration", Duration.ofMillis(1500), Tags.of("dag_id", "d", "task_id", "t"),
        TraceContexts.remoteParent(traceId, spanId, 1));

    MetricData m = metric("airflow.task.duration");
    assertThat(m.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(m.getUnit()).isEqualTo("ms");
    var point = m.getHistogramData().getPoints().iterator().next();
    assertThat(point.getSum()).isEqualTo(1500.0);
    assertThat(point.getBoundaries()).first().isEqualTo(1.0);
    assertThat(point.getBoundaries()).last().isEqualTo(86_400_000.0);
    assertThat(point.getAttributes().get(AttributeKey.stringKey("dag_id"))).isEqualTo("d");
    assertThat(point.getAttributes().get(AttributeKey.stringKey("cluster"))).isEqualTo("blue");
    assertThat(point.getExemplars()).singleElement().satisfies(e -> {
      assertThat(e.getSpanContext().getTraceId()).isEqualTo(traceId);
      assertThat(e.getSpanContext().getSpanId()).isEqualTo(spanId);
    });
  }

  @Test
  void gaugeReportsTheLastValuePerTagSet() {
    stats.gauge("pool.open_slots", 5, Tags.of("pool_name", "a"));
    stats.gauge("pool.open_slots", 3, Tags.of("pool_name", "a"));
    stats.gauge("pool.open_slots", 7, Tags.of("pool_name", "b"));

    MetricData m = metric("airflow.pool.open_slots");
    assertThat(m.getType()).isEqualTo(MetricDataType.DOUBLE_GAUGE);
    assertThat(m.getDoubleGaugeData().getPoints()).extracting(p -> p.getAttributes()
        .get(AttributeKey.stringKey("pool_name")) + "=" + p.getValue()).containsExactlyInAnyOrder("a=3.0", "b=7.0");
  }

  @Test
  void countersAreMonotonicSumsAndBlockedNamesAreNotRecorded() {
    stats.incr("ti.finish", Tags.of("state", "success"));
    stats.incr("ti.finish", 2, Tags.of("state", "success"));
    stats.incr("blocked.metric", Tags.NONE);

    MetricData m = metric("airflow.ti.finish");
    assertThat(m.getLongSumData().isMonotonic()).isTrue();
    assertThat(m.getLongSumData().getPoints()).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(3));
    assertThat(reader.collectAllMetrics()).noneMatch(d -> d.getName().contains("blocked"));
  }

  @Test
  void oddAndOverlongNamesAreSanitisedNotRejected() {
    stats.incr("9 bad name!" + "x".repeat(300), Tags.NONE);

    assertThat(reader.collectAllMetrics()).singleElement().satisfies(d -> {
      assertThat(d.getName()).hasSize(255).startsWith("airflow.9_bad_name_x");
    });
  }

  @Test
  void airflowsKeysAreAttributesBesideContrails() {
    stats.incr("operator_failures", Tags.of("dag_id", "etl", "task_id", "group.load", "operator", "shell")
        .airflow("operator_name", "shell"));
    stats.gauge("executor.open_slots", 3, Tags.of("executor", "local")
        .airflow("status", "open", "executor_class_name", "LocalExecutor"));

    assertThat(metric("airflow.operator_failures").getLongSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getAttributes()).isEqualTo(Attributes.builder().put("cluster", "blue")
            .put("dag_id", "etl").put("task_id", "group.load").put("operator", "shell").put("operator_name", "shell").build()));
    assertThat(metric("airflow.executor.open_slots").getDoubleGaugeData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getAttributes()).isEqualTo(Attributes.builder().put("cluster", "blue")
            .put("executor", "local").put("status", "open").put("executor_class_name", "LocalExecutor").build()));
  }

  @Test
  void everyIdOfEveryTaskIsAnAttributeOfOneInstrumentPerCatalogName() {
    for (String task : List.of("extract", "group.load")) {
      stats.incr("ti.start", Tags.of("dag_id", "etl", "task_id", task));
      stats.incr("ti.finish", Tags.of("dag_id", "etl", "task_id", task, "state", "success"));
      stats.timing("task.duration", Duration.ofMillis(5), Tags.of("dag_id", "etl", "task_id", task));
      stats.incr("operator_successes", Tags.of("dag_id", "etl", "task_id", task, "operator", "shell")
          .airflow("operator_name", "shell"));
    }
    stats.timing("dagrun.duration.success", Duration.ofMillis(50), Tags.of("dag_id", "etl", "run_type", "manual"));
    stats.gauge("pool.open_slots", 7, Tags.of("pool_name", "default_pool"));
    stats.gauge("executor.open_slots", 3, Tags.of("executor", "local")
        .airflow("status", "open", "executor_class_name", "LocalExecutor"));

    // the names Airflow's legacy registry has for these (ti.start.etl.extract, operator_successes_shell,
    // pool.open_slots.default_pool, executor.open_slots.LocalExecutor ...) are StatsD's only
    assertThat(reader.collectAllMetrics()).extracting(MetricData::getName).containsExactlyInAnyOrder(
        "airflow.ti.start", "airflow.ti.finish", "airflow.task.duration", "airflow.operator_successes",
        "airflow.dagrun.duration.success", "airflow.pool.open_slots", "airflow.executor.open_slots");
    assertThat(metric("airflow.ti.finish").getLongSumData().getPoints())
        .extracting(p -> p.getAttributes().get(AttributeKey.stringKey("task_id")))
        .containsExactlyInAnyOrder("extract", "group.load");
    assertThat(metric("airflow.task.duration").getHistogramData().getPoints())
        .extracting(p -> p.getAttributes().get(AttributeKey.stringKey("task_id")))
        .containsExactlyInAnyOrder("extract", "group.load");
  }
}
