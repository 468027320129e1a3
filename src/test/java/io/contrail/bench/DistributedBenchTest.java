package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.config.Environment;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench distributed} and {@code distributed-latency} at a tiny size: a real scheduler and a
 * real worker process on a real PostgreSQL, figures from what they stored; and the check that the
 * workers, not the scheduler, ran the tasks refuses a run the scheduler ran itself.
 */
class DistributedBenchTest {
  @Test
  void throughputAndLatencyRunEndToEndWithSchedulerAndWorkerProcesses() throws Exception {
    try (BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "postgres", null, true)) {
      Map<String, String> overrides = DistributedBench.defaults();
      Map<String, Object> figures = DistributedBench.throughput(env, List.of(1), 20, 3, 1, overrides, 40);

      assertThat((String) figures.get("wake_up")).startsWith("PostgreSQL LISTEN/NOTIFY, polling behind it: worker every 100 ms");
      assertThat((String) figures.get("jdk")).contains(System.getProperty("java.version"));
      @SuppressWarnings("unchecked")
      Map<String, Object> ceiling = (Map<String, Object>) figures.get("insert_commits_per_second");
      assertThat((Double) ceiling.get("connections_1")).isPositive();
      @SuppressWarnings("unchecked")
      Map<String, Object> one = (Map<String, Object>) figures.get("workers_1");
      assertThat((String) one.get("gc")).isNotEqualTo("?");
      for (String kind : List.of("noop", "shell")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) one.get(kind);
        assertThat((String) at.get("tasks_per_second")).as(kind).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
        assertThat((String) at.get("cpu_ms_per_task_contrail")).as(kind).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
        assertThat((Double) at.get("cold_tasks_per_second")).as(kind).isPositive();
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> noop = (Map<String, Object>) one.get("noop");
      assertThat((Double) noop.get("ratio_to_commit_ceiling_1_connection")).isPositive();
      // --statements: what PostgreSQL spent its time in, the workers' claim among it
      @SuppressWarnings("unchecked")
      List<String> top = (List<String>) noop.get("postgres_top_statements");
      assertThat(top).hasSizeBetween(5, 40).anyMatch(st -> st.contains("UPDATE task_instance SET job_id = $1, hostname = $2"))
          .allMatch(st -> st.matches("\\d+ calls, \\d+ ms \\([0-9.]+ ms each\\), \\d+ rows: .+"));

      Map<String, Object> latency = DistributedBench.latency(env, 1, 5, 1, overrides);
      assertThat((String) latency.get("p50_ms")).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
      assertThat((String) latency.get("p99_ms")).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
      assertThat(latency).containsKey("cold_round");
    }
  }

  @Test
  void aRunTheSchedulerRanItselfIsNotCountedAsDistributed() {
    try (BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "postgres", 4)) {
      Map<String, String> local = new LinkedHashMap<>(Map.of("CONTRAIL__CORE__EXECUTOR", "local"));
      try (Contrail app = env.open(local)) {
        DagRun run = BenchDags.run(app, BenchDags.wide("bench_local", 3, false), 1).get(0);
        assertThatThrownBy(() -> DistributedBench.verify(app, run, 3, 1))
            .hasMessageContaining("only 0 of 3 successful tasks ran in a worker");
      }
    }
  }
}
