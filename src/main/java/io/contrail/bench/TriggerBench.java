package io.contrail.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.api.Dag;
import io.contrail.operations.RunRequest;
import io.contrail.rest.RestApi;
import io.contrail.roles.Contrail;
import io.contrail.roles.SchedulerProcess;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.scheduler.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code trigger} scenario: a running scheduler with its REST API in the same process, as in
 * {@code standalone}; a client triggers a one-task DAG through {@code POST .../dagRuns}, one run
 * at a time, and the figure is the time from sending the request to the task's start as stored —
 * with the scheduler woken by the trigger (what standalone does) and, in the same run for
 * comparison, without (the run waits for the next loop). Then across processes: a scheduler in a
 * JVM of its own, and runs created here as {@code dags trigger} creates them. Each phase is
 * preceded by unmeasured triggers to warm the JVM.
 */
final class TriggerBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAG = "bench_trigger";

  private TriggerBench() {}

  static Map<String, Object> run(BenchEnvironment env, int triggers) throws Exception {
    Path folder = env.home().resolve("dags");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(DAG + ".yaml"), """
        dag_id: %s
        schedule: null
        start_date: 2026-01-01
        paused: false
        max_active_runs: 16
        tasks:
          - task_id: t
            type: noop
        """.formatted(DAG));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("triggers", triggers);
    for (boolean wake : new boolean[] {true, false}) {
      try (Contrail app = env.open(Map.of("CONTRAIL__API__ADMIN_PASSWORD", ApiBench.PASSWORD))) {
        app.dagSync().sync();
        Scheduler scheduler = app.scheduler(Scheduler.Scope.everything()).dagSync(app.dagSync()).build();
        if (wake) {
          SchedulerProcess.startTriggeredRunsAtOnce(app, scheduler);
        }
        r.put("loop_interval_ms", app.config().scheduler().loopIntervalMs());
        try (RestApi.Started api = RestApi.start(new RestApi.Deps(app.config(), app.otel(), app.database(),
            app.stores(), app.runCreator(), app.operations(), app.clock(), app.tracer(), app.masker()), 0)) {
          scheduler.start();
          Thread loop = new Thread(() -> scheduler.loop(0, () -> false), "bench-scheduler");
          loop.start();
          try {
            HttpClient http = HttpClient.newHttpClient();
            String url = api.server().url();
            String token = ApiBench.login(http, url);
            trigger(app, http, url, token, Math.max(5, triggers / 4));   // warm-up
            List<Double> ms = trigger(app, http, url, token, triggers);
            String key = wake ? "woken" : "next_loop";
            r.put(key + "_p50_ms", Scenarios.round(Scenarios.percentile(ms, 50), 2));
            r.put(key + "_p95_ms", Scenarios.round(Scenarios.percentile(ms, 95), 2));
            r.put(key + "_min_ms", Scenarios.round(ms.get(0), 2));
            r.put(key + "_max_ms", Scenarios.round(ms.get(ms.size() - 1), 2));
          } finally {
            scheduler.requestStop();
            loop.join(60_000);
          }
        }
      }
    }
    crossProcess(env, triggers, r);
    return r;
  }

  /**
   * A {@code contrail scheduler} in a JVM of its own, started as the launcher starts it, and runs
   * created in this process as {@code dags trigger} creates them: the run creator wakes the other
   * process (PostgreSQL NOTIFY; on H2 a datagram to the port the scheduler names in
   * CONTRAIL_HOME/scheduler_wake_port). From just before the run is created to its task's start.
   */
  private static void crossProcess(BenchEnvironment env, int triggers, Map<String, Object> r) throws Exception {
    try (BenchProcesses procs = new BenchProcesses(env.home().resolve("bench-processes").resolve("trigger"),
        env.processVariables(Map.of()))) {
      procs.start("scheduler", "scheduler");
      try (Contrail app = env.open(Map.of())) {
        Dag dag = app.stores().dags().find(DAG).orElseThrow().dag();
        created(app, dag, Math.max(5, triggers / 4)); // warm-up
        List<Double> ms = created(app, dag, triggers);
        r.put("cross_process_p50_ms", Scenarios.round(Scenarios.percentile(ms, 50), 2));
        r.put("cross_process_p95_ms", Scenarios.round(Scenarios.percentile(ms, 95), 2));
        r.put("cross_process_min_ms", Scenarios.round(ms.get(0), 2));
        r.put("cross_process_max_ms", Scenarios.round(ms.get(ms.size() - 1), 2));
      }
    }
  }

  /** Sequential runs created here; each one's created to task-started time in ms, sorted. */
  private static List<Double> created(Contrail app, Dag dag, int n) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant sent = app.clock().instant();
      DagRun run = app.runCreator().createNew(dag, RunRequest.manual(null, null, null));
      ms.add(awaitStart(app, run.key(), sent));
    }
    ms.sort(Double::compare);
    return ms;
  }

  /** Waits for the run to finish; its task's start, in ms after {@code sent}. */
  private static double awaitStart(Contrail app, RunKey key, Instant sent) throws InterruptedException {
    Instant deadline = sent.plusSeconds(30);
    while (true) {
      DagRun run = app.stores().runs().findRun(key).orElseThrow();
      if (run.state().isFinished()) {
        TaskInstance ti = app.stores().runs().taskInstances(key).get(0);
        return Duration.between(sent, ti.times().startDate()).toNanos() / 1e6;
      }
      if (app.clock().instant().isAfter(deadline)) {
        throw new IllegalStateException("run " + key + " did not finish within 30 s: " + run.state().id());
      }
      Thread.sleep(2);
    }
  }

  /** Sequential triggers; each one's request-sent to task-started time in ms, sorted. */
  private static List<Double> trigger(Contrail app, HttpClient http, String url, String token, int n) throws Exception {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant sent = app.clock().instant();
      HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/dags/" + DAG + "/dagRuns"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"logical_date\": null}")).build(), HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("trigger failed: " + resp.statusCode() + " " + resp.body());
      }
      RunKey key = RunKey.of(DAG, JSON.readTree(resp.body()).get("dag_run_id").asText());
      ms.add(awaitStart(app, key, sent));
    }
    ms.sort(Double::compare);
    return ms;
  }
}
