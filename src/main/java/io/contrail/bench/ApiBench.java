package io.contrail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.rest.RestApi;
import io.contrail.roles.Contrail;
import io.contrail.storage.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code api} scenario: how fast the REST API's two busiest lists answer with a long history —
 * {@code GET /api/v2/dags} over {@code dags} DAGs and {@code GET .../dagRuns} over {@code runs}
 * runs of one DAG (and across all DAGs with {@code ~}) — as p50/p99 latency of sequential requests
 * from one client over a real socket, after a warm-up. The runs are written straight into the
 * database (finished, one per minute) so that seeding takes seconds, not hours.
 */
final class ApiBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PASSWORD = "bench-admin-password";

  private ApiBench() {}

  static Map<String, Object> run(BenchEnvironment env, int dags, int runs, int requests) throws Exception {
    Path folder = env.home().resolve("dags");
    Files.createDirectories(folder);
    for (int i = 0; i < dags; i++) {
      Files.writeString(folder.resolve(dagId(i) + ".yaml"), """
          dag_id: %s
          schedule: null
          start_date: 2026-01-01
          tags: [bench, group%d]
          tasks:
            - task_id: t
              type: noop
          """.formatted(dagId(i), i % 10));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    try (Contrail app = env.open(Map.of("CONTRAIL__API__ADMIN_PASSWORD", PASSWORD))) {
      long t0 = System.nanoTime();
      app.dagSync().sync();
      seedRuns(app.database().sql(), dagId(0), runs);
      r.put("dags", dags);
      r.put("runs", runs);
      r.put("seed_seconds", Scenarios.round((System.nanoTime() - t0) / 1e9, 1));
      try (RestApi.Started api = RestApi.start(new RestApi.Deps(app.config(), app.otel(),
          app.database(), app.stores(), app.runCreator(), app.operations(), app.clock(), app.tracer(), app.masker()), 0)) {
        String url = api.server().url();
        HttpClient http = HttpClient.newHttpClient();
        String token = login(http, url);
        Map<String, String> lists = new LinkedHashMap<>();
        lists.put("dags", "/api/v2/dags?limit=50&offset=500");
        lists.put("dags_by_tag", "/api/v2/dags?tags=group3&limit=50");
        lists.put("dag_runs", "/api/v2/dags/" + dagId(0) + "/dagRuns?limit=50&offset=50000");
        lists.put("dag_runs_newest", "/api/v2/dags/" + dagId(0) + "/dagRuns?limit=50&order_by=-run_after");
        lists.put("dag_runs_all_dags", "/api/v2/dags/~/dagRuns?limit=50&state=success");
        r.put("requests_per_list", requests);
        for (Map.Entry<String, String> list : lists.entrySet()) {
          List<Double> ms = measure(http, url + list.getValue(), token, requests);
          r.put(list.getKey() + "_p50_ms", Scenarios.round(Scenarios.percentile(ms, 50), 2));
          r.put(list.getKey() + "_p99_ms", Scenarios.round(Scenarios.percentile(ms, 99), 2));
        }
      }
    }
    return r;
  }

  private static String dagId(int i) {
    return String.format("bench_api_%04d", i);
  }

  private static void seedRuns(Sql sql, String dagId, int runs) {
    Instant start = Instant.parse("2020-01-01T00:00:00Z");
    int chunk = 5000;
    for (int from = 0; from < runs; from += chunk) {
      List<Object[]> rows = new ArrayList<>();
      for (int i = from; i < Math.min(runs, from + chunk); i++) {
        Instant at = start.plusSeconds(60L * i);
        Object ts = Sql.ts(at);
        Object end = Sql.ts(at.plusSeconds(5));
        rows.add(new Object[] {dagId, "scheduled__" + at, "scheduled", i % 7 == 0 ? "failed" : "success", ts, ts,
            Sql.ts(at.plusSeconds(60)), ts, ts, end, String.format("%032x", i + 1L), String.format("%016x", i + 1L), 1,
            end, Sql.ts(at.plusSeconds(60)), "timetable"});
      }
      sql.inTransaction(tx -> tx.batch("INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date,"
          + " data_interval_start, data_interval_end, queued_at, start_date, end_date, trace_id, span_id, trace_flags,"
          + " span_exported_at, run_after, triggered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows));
    }
  }

  static String login(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + PASSWORD + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("login failed: " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body()).get("access_token").asText();
  }

  /** Latencies in ms of {@code n} sequential requests, after as many unmeasured ones to warm up. */
  private static List<Double> measure(HttpClient http, String url, String token, int n) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 2 * n; i++) {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> r;
      try {
        r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      double took = (System.nanoTime() - t0) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body()));
      }
      if (i >= n) {
        ms.add(took);
      }
    }
    ms.sort(null);
    return ms;
  }
}
