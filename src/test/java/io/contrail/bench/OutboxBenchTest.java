package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.Environment;
import io.contrail.storage.Database;
import io.contrail.testing.Postgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench outbox} on a small scale: the history is seeded on both databases and the spans are counted where they arrive. */
class OutboxBenchTest {
  @Test
  void measuresExportAtEachHistorySizeFromSpansThatReallyArrived() throws Exception {
    // the benchmark's receiver listens on free ports, beside the tests' receivers and any Collector
    try (BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "h2", 4)) {
      Map<String, Object> figures = OutboxBench.run(env, List.of(1000, 3000), 20, 1,
          Path.of(System.getProperty("user.dir")));
      for (String size : List.of("history_1000", "history_3000")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) figures.get(size);
        assertThat(at).as(size).containsEntry("spans_missing_at_receiver", 0L);
        assertThat((String) at.get("lag_seconds")).as(size).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
        assertThat((String) at.get("export_spans_per_second")).as(size).matches("[0-9.]+ / [0-9.]+ / [0-9.]+");
      }
    }
  }

  @Test
  void theHistoryIsSeededInRunsOfAThousandOnPostgres() {
    String url = Postgres.newDatabase("benchseed");
    try (Database db = new Database(url, "postgres", "", 2)) {
      db.migrate();
      OutboxBench.seed(db.sql(), "postgres", 0, 2000);
      OutboxBench.seed(db.sql(), "postgres", 2000, 1000);
      assertThat(count(db, "SELECT COUNT(*) FROM dag_run WHERE dag_id = 'bench_history' AND state = 'success'")).isEqualTo(3);
      assertThat(count(db, "SELECT COUNT(*) FROM task_instance WHERE dag_id = 'bench_history'")).isEqualTo(3000);
      assertThat(count(db, "SELECT COUNT(*) FROM task_instance_history WHERE dag_id = 'bench_history'")).isEqualTo(3000);
      assertThat(count(db, "SELECT COUNT(*) FROM span_outbox")).as("untraced history").isZero();
    } finally {
      Postgres.dropDatabase(url);
    }
  }

  private static long count(Database db, String sql) {
    return db.sql().queryOne(sql, rs -> rs.getLong(1)).orElseThrow();
  }
}
