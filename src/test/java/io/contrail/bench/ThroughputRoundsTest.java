package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.Environment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `bench throughput --rounds N`: the cold run and the warm ones are reported apart. */
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
    }
  }
}
