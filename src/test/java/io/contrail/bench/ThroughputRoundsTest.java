package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.Environment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `bench throughput --rounds N`: the cold run and the warm ones are reported apart, with the
 * unrecorded warm-up between them that ends once the CPU per task stops falling.
 */
class ThroughputRoundsTest {
  @Test
  void theColdRunAndEachWarmRoundAreMeasuredAndReportedApart() throws Exception {
    try (BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "h2", 4)) {
      Map<String, Object> figures = Scenarios.throughput(env, 4, false, 3, Map.of());

      assertThat(figures).containsEntry("warm_rounds", 3).containsEntry("state", "success");
      assertThat((Double) figures.get("cold_tasks_per_second")).isPositive();
      List<Double> warm = Arrays.stream(((String) figures.get("warm_tasks_per_second")).split(" / "))
          .map(Double::parseDouble).toList();
      assertThat(warm).hasSize(3).isSorted().allMatch(v -> v > 0);
      assertThat((Double) figures.get("tasks_per_second")).isEqualTo(warm.get(1)); // the warm median
      List<?> warmUp = (List<?>) figures.get("warm_up_cpu_ms_per_task");
      assertThat(warmUp).hasSize((Integer) figures.get("warm_up_rounds"));
      assertThat(warmUp.size()).isBetween(Overhead.MIN_WARM_UP, Scenarios.MAX_WARM_UP);
      assertThat(figures).containsKeys("cold_cpu_ms_per_task", "warm_cpu_ms_per_task", "warm_jit_compile_ms_per_s");
    }
  }

  @Test
  void withoutWarmRoundsThereIsOnlyTheColdRun() throws Exception {
    try (BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "h2", 4)) {
      Map<String, Object> figures = Scenarios.throughput(env, 4, false, 0, Map.of());

      assertThat(figures).containsEntry("warm_up_rounds", 0).containsEntry("warm_rounds", 0)
          .doesNotContainKey("warm_tasks_per_second");
      assertThat(figures.get("tasks_per_second")).isEqualTo(figures.get("cold_tasks_per_second"));
    }
  }
}
