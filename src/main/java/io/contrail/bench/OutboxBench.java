package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.storage.Sql;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench outbox}: span export rate and lag against history size. The database is filled
 * with {@code history} finished task instances (and as many tries, in runs of 1,000) that were
 * never traced — they are not in the span outbox, as after running with tracing off — then a
 * traced {@code tasks}-task run is run {@code rounds} times to a live receiver (mockotlpserver)
 * that counts the spans of each trace that really arrived. Per history size: the scheduler's
 * tasks/s with the outbox running, the export rate (spans from the first to the last arrival of
 * the run's trace) and the lag (the run's end to its last span at the receiver), min/median/max.
 */
final class OutboxBench {
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(120);

  private OutboxBench() {}

  static Map<String, Object> run(BenchEnvironment env, List<Integer> histories, int tasks, int rounds, Path projectDir)
      throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("tasks_per_run", tasks);
    figures.put("rounds", rounds);
    try (OtlpReceiver receiver = new OtlpReceiver(projectDir, true)) {
      int seeded = 0;
      for (int history : histories) {
        try (Contrail app = env.open(traced(receiver.httpPort()))) {
          seed(app.database().sql(), env.db(), seeded, history - seeded);
          seeded = history;
          figures.put("history_" + history, measure(app, receiver, tasks, rounds));
        }
      }
    }
    return figures;
  }

  private static Map<String, String> traced(int httpPort) {
    return Map.of("CONTRAIL__TRACES__OTEL_ON", "true", "CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf",
        "CONTRAIL__TRACES__OTEL_HOST", "127.0.0.1", "CONTRAIL__TRACES__OTEL_PORT", String.valueOf(httpPort),
        "CONTRAIL__TRACES__SCHEDULER_SPANS", "off");
  }

  private static Map<String, Object> measure(Contrail app, OtlpReceiver receiver, int tasks, int rounds)
      throws InterruptedException {
    Dag dag = BenchDags.wide("bench_outbox_" + System.nanoTime(), tasks, false);
    long expected = 1 + 2L * tasks; // the run, each task_run and its one attempt
    List<Double> lags = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    List<Double> tps = new ArrayList<>();
    long missing = 0;
    for (int i = 0; i < rounds; i++) {
      DagRun run = BenchDags.run(app, dag, 1).get(0);
      String traceId = run.trace().traceId();
      long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
      OtlpReceiver.Arrivals a = receiver.arrivals(traceId);
      while (a.spans() < expected && System.nanoTime() < deadline) {
        Thread.sleep(20);
        a = receiver.arrivals(traceId);
      }
      missing += Math.max(0, expected - a.spans());
      Instant end = run.times().endDate();
      tps.add(tasks / (Duration.between(run.times().startDate(), end).toNanos() / 1e9));
      if (a.spans() >= expected) {
        lags.add(Duration.between(end, a.last()).toNanos() / 1e9);
        double exportSeconds = Math.max(1e-3, Duration.between(a.first(), a.last()).toNanos() / 1e9);
        rates.add(a.spans() / exportSeconds);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks_per_second", minMedianMax(tps, 1));
    r.put("export_spans_per_second", minMedianMax(rates, 0));
    r.put("lag_seconds", minMedianMax(lags, 3));
    r.put("spans_missing_at_receiver", missing);
    return r;
  }

  /** "min / median / max" of the values. */
  private static String minMedianMax(List<Double> values, int digits) {
    if (values.isEmpty()) {
      return "none";
    }
    List<Double> v = new ArrayList<>(values);
    v.sort(Double::compare);
    return Scenarios.round(v.get(0), digits) + " / " + Scenarios.round(v.get(v.size() / 2), digits) + " / "
        + Scenarios.round(v.get(v.size() - 1), digits);
  }

  /**
   * Adds {@code count} finished, untraced task instances numbered from {@code from}, each with one
   * try, in runs of 1,000 — by INSERT ... SELECT from a number series, so a million rows take
   * seconds, not a million scheduler passes.
   */
  static void seed(Sql sql, String db, int from, int count) {
    if (count <= 0) {
      return;
    }
    String series = "postgres".equals(db)
        ? "(SELECT generate_series(?, ?) AS n) s"
        : "(SELECT X AS n FROM SYSTEM_RANGE(?, ?)) s";
    int first = from + 1;
    int last = from + count;
    Instant at = Instant.now().minus(Duration.ofDays(1));
    String run = "'hist_' || ((n - 1) / 1000)";
    sql.update("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, queued_at, start_date, end_date,"
        + " trace_id, span_id, trace_flags) SELECT 'bench_history', " + run + ", 'manual', 'success', ?, ?, ?, ?,"
        + " '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 1 FROM " + series
        + " WHERE MOD(n - 1, 1000) = 0", at, at, at, at, first, last);
    sql.update("INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number, max_tries, task_type, pool,"
        + " pool_slots, priority_weight, scheduled_at, queued_at, start_date, end_date, span_id, trace_flags)"
        + " SELECT 'bench_history', " + run + ", 't' || n, 'success', 1, 1, 'noop', 'default_pool', 1, 1, ?, ?, ?, ?,"
        + " 'b7ad6b7169203332', 1 FROM " + series, at, at, at, at, first, last);
    sql.update("INSERT INTO task_instance_history (dag_id, run_id, task_id, try_number, state, start_date, end_date,"
        + " span_id) SELECT 'bench_history', " + run + ", 't' || n, 1, 'success', ?, ?, 'b7ad6b7169203333' FROM "
        + series, at, at, first, last);
  }
}
