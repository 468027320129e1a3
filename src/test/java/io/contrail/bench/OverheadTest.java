package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.Environment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench overhead} on a small scale: each mode runs in a JVM of its own, and its figures
 * come from rounds whose telemetry was really on — every span at the receiver, or waiting in the
 * outbox when the receiver is down.
 */
class OverheadTest {
  @Test
  void eachModeRunsInItsOwnJvmAndTheTracedRoundsSpansAllArrive() throws Exception {
    try (BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "h2", 4)) {
      Map<String, Object> figures = Overhead.run(env, 20, 1, 1, Path.of(System.getProperty("user.dir")), Map.of());

      assertThat(figures.get("spans_at_receiver_per_traced_round")).isEqualTo(List.of(41L));
      assertThat(figures.get("spans_waiting_per_receiver_down_round")).isEqualTo(List.of(41L));
      assertThat(figures.get("warm_up_cpu_ms_per_task_traced")).asList().hasSize(1);
      assertThat((String) figures.get("ratio_traced_min_median_max")).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
      assertThat((String) figures.get("lane_jvm_options")).contains("-Xmx");
    }
  }

  @Test
  void aLaneIsWarmOnlyOnceItsCpuPerTaskStopsFalling() {
    assertThat(Overhead.settled(List.of(4.1, 2.5, 2.0, 1.9, 1.8))).as("too few rounds to tell").isFalse();
    assertThat(Overhead.settled(List.of(4.1, 2.5, 2.0, 1.9, 1.8, 1.5))).as("still falling").isFalse();
    assertThat(Overhead.settled(List.of(4.1, 2.5, 2.0, 1.9, 1.8, 1.5, 1.45, 1.4, 1.3))).as("still falling").isFalse();
    assertThat(Overhead.settled(List.of(2.0, 1.2, 1.0, 0.9, 0.95, 0.88, 0.9, 0.87, 0.93))).as("flat, noisy").isTrue();
  }
}
