package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.RunState;
import io.contrail.testing.InProcessWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed worker's claims as a dashboard sees them, over real UDP (DogStatsD): every claim
 * transaction is timed in {@code executor.claim_latency}, and the task instances it took are
 * counted in {@code executor.claimed_tasks}, both tagged with the executor.
 */
class WorkerClaimMetricsTest {
  private static final Pattern CLAIMED = Pattern.compile("contrail\\.executor\\.claimed_tasks:(\\d+)\\|c\\|#executor:distributed");
  private static final Pattern LATENCY = Pattern.compile("contrail\\.executor\\.claim_latency:([0-9.]+)\\|ms\\|#executor:distributed");

  @TempDir Path home;

  @Test
  void aWorkerCountsTheTasksItClaimedAndTimesEveryClaim() throws Exception {
    try (StatsdReceiver statsd = new StatsdReceiver(); InProcessWorker w = new InProcessWorker(home, "w1")) {
      w.worker.set("CONTRAIL__METRICS__STATSD_ON", true).set("CONTRAIL__METRICS__STATSD_HOST", "127.0.0.1")
          .set("CONTRAIL__METRICS__STATSD_PORT", statsd.port()).set("CONTRAIL__METRICS__STATSD_DATADOG_TAGS", true);
      w.scheduler.dag("three.yaml", """
          dag_id: three
          schedule: null
          paused: false
          start_date: 2026-01-01
          tasks:
            - {task_id: a, type: noop}
            - {task_id: b, type: noop}
            - {task_id: c, type: noop, depends_on: [a, b]}
          """);
      assertThat(w.run("three").state()).isEqualTo(RunState.SUCCESS);

      List<String> lines = statsd.await(ls -> claimed(ls) >= 3, Duration.ofSeconds(10));
      assertThat(claimed(lines)).as("tasks claimed, in %s", lines).isEqualTo(3);
      List<Double> latencies = lines.stream().map(LATENCY::matcher).filter(Matcher::matches)
          .map(m -> Double.parseDouble(m.group(1))).toList();
      // an idle worker claims every poll interval too: more claims than claimed batches, each timed
      assertThat(latencies).hasSizeGreaterThanOrEqualTo(2).allSatisfy(ms -> assertThat(ms).isBetween(0.0, 10_000.0));
    }
  }

  private static int claimed(List<String> lines) {
    return lines.stream().map(CLAIMED::matcher).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).sum();
  }
}
