package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatsdStatsTest {
  private final StatsdReceiver statsd;
  private final SelfMetrics self = new SelfMetrics();

  StatsdStatsTest() throws Exception {
    statsd = new StatsdReceiver();
  }

  @AfterEach
  void close() {
    statsd.close();
  }

  private StatsdStats stats(boolean datadog, boolean legacy, MetricFilter filter) {
    return new StatsdStats(new StatsdClient("127.0.0.1", statsd.port(), self), "contrail", datadog, legacy,
        filter, Map.of(), self);
  }

  @Test
  void plainStatsdSendsNamesWithoutTagsAndTheLegacyName() throws Exception {
    Stats stats = stats(false, true, MetricFilter.allowAll());
    stats.incr("ti.finish", Tags.of("dag_id", "d", "task_id", "t", "state", "success"));
    stats.timing("task.duration", Duration.ofMillis(1234), Tags.of("dag_id", "d"));
    stats.gauge("pool.open_slots", 4, Tags.NONE);
    stats.decr("some.level", Tags.NONE);

    // task.duration and pool.open_slots lack the ids their legacy names need: no legacy line
    assertThat(statsd.await(l -> l.size() >= 5, Duration.ofSeconds(5))).containsExactly(
        "contrail.ti.finish:1|c", "contrail.ti.finish.d.t.success:1|c", "contrail.task.duration:1234|ms",
        "contrail.pool.open_slots:4|g", "contrail.some.level:-1|c");
  }

  @Test
  void dogStatsdKeepsContrailsTagsAndLegacyNamesAsTheyWere() throws Exception {
    Stats stats = stats(true, true, MetricFilter.allowAll());
    stats.incr("operator_failures", Tags.of("dag_id", "d", "task_id", "g.t", "operator", "shell")
        .airflow("operator_name", "shell"));
    stats.incr("ti.start", Tags.of("dag_id", "d", "task_id", "g.t"));
    stats.gauge("executor.open_slots", 3, Tags.of("executor", "local")
        .airflow("status", "open", "executor_class_name", "LocalExecutor"));
    stats.incr("marker", Tags.NONE);

    // no Airflow-only keys, a task group's '.' kept, and no executor legacy name (Contrail's StatsD never had one)
    assertThat(statsd.awaitLine(l -> l.startsWith("contrail.marker"), Duration.ofSeconds(5))).containsExactly(
        "contrail.operator_failures:1|c|#dag_id:d,task_id:g.t,operator:shell", "contrail.operator_failures_shell:1|c",
        "contrail.ti.start:1|c|#dag_id:d,task_id:g.t", "contrail.ti.start.d.g.t:1|c",
        "contrail.executor.open_slots:3|g|#executor:local", "contrail.marker:1|c");
  }

  @Test
  void legacyNamesAreNotSentWhenLegacyNamesAreOff() throws Exception {
    Stats stats = stats(true, false, MetricFilter.allowAll());
    stats.incr("ti.finish", Tags.of("dag_id", "d", "task_id", "t", "state", "failed"));
    stats.incr("marker", Tags.NONE);

    assertThat(statsd.awaitLine(l -> l.startsWith("contrail.marker"), Duration.ofSeconds(5)))
        .containsExactly("contrail.ti.finish:1|c|#dag_id:d,task_id:t,state:failed", "contrail.marker:1|c");
  }

  @Test
  void allowAndBlockListsMatchTheNameWithoutPrefix() throws Exception {
    Stats stats = stats(false, true, new MetricFilter(List.of(Pattern.compile("^ti\\."), Pattern.compile("^marker$")),
        List.of(Pattern.compile("\\.up_for_retry$"))));
    stats.incr("ti.finish", Tags.of("dag_id", "d", "task_id", "t", "state", "up_for_retry"));
    stats.incr("scheduler_heartbeat", Tags.NONE);
    stats.incr("marker", Tags.NONE);

    assertThat(statsd.awaitLine(l -> l.startsWith("contrail.marker"), Duration.ofSeconds(5)))
        .containsExactly("contrail.ti.finish:1|c", "contrail.marker:1|c");
  }

  @Test
  void oddCharactersAreReplacedAndTooLongNamesDroppedAndCounted() throws Exception {
    Stats stats = stats(true, true, MetricFilter.allowAll());
    String longDag = "d".repeat(250);
    stats.incr("ti.finish", Tags.of("dag_id", longDag, "odd", "a,b|c#d", "task_id", "t", "state", "success"));
    stats.incr("weird name:é/x", Tags.NONE);

    assertThat(statsd.await(l -> l.size() >= 2, Duration.ofSeconds(5))).containsExactly(
        "contrail.ti.finish:1|c|#dag_id:" + longDag + ",odd:a_b_c_d,task_id:t,state:success", "contrail.weird_name___x:1|c");
    assertThat(self.droppedTotal()).isEqualTo(1);
  }

  @Test
  void negativeGaugeIsSetFromZeroBecauseASignedGaugeIsAChange() throws Exception {
    stats(false, false, MetricFilter.allowAll()).gauge("pool.open_slots", -2, Tags.NONE);

    assertThat(statsd.await(l -> l.size() >= 2, Duration.ofSeconds(5)))
        .containsExactly("contrail.pool.open_slots:0|g", "contrail.pool.open_slots:-2|g");
  }

  @Test
  void unknownHostNeverThrowsAndCountsDrops() {
    StatsdStats stats = new StatsdStats(new StatsdClient("no-such-host.invalid", 8125, self), "contrail",
        false, true, MetricFilter.allowAll(), Map.of(), self);

    assertThatCode(() -> {
      stats.incr("ti.finish", Tags.NONE);
      stats.timing("task.duration", Duration.ofMillis(1), Tags.NONE);
      stats.close();
    }).doesNotThrowAnyException();
    assertThat(self.droppedTotal()).isEqualTo(2);
  }

  @Test
  void selfMetricsReportDropsAsDeltasAndSpansWaitingFromTheRegisteredSupplier() throws Exception {
    Stats stats = stats(true, false, MetricFilter.allowAll());
    self.dropped("statsd", "send_failed");
    self.dropped("statsd", "send_failed");
    self.exportFailed();
    self.spansWaitingForExport(() -> 7);
    self.report(stats);
    self.report(stats); // nothing new: no second counter line

    assertThat(statsd.await(l -> l.size() >= 4, Duration.ofSeconds(5))).containsExactly(
        "contrail.telemetry.metrics.dropped:2|c|#backend:statsd,reason:send_failed",
        "contrail.telemetry.export.failures:1|c|#signal:metrics",
        "contrail.telemetry.spans.waiting_for_export:7|g",
        "contrail.telemetry.spans.waiting_for_export:7|g");
  }
}
