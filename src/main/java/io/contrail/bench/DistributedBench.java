package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.config.ContrailConfig;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.storage.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code distributed} and {@code distributed-latency} scenarios: {@code executor = distributed}
 * as deployed — one {@code contrail scheduler} and N {@code contrail worker} processes, each a JVM
 * of its own, on one PostgreSQL with fsync on. The benchmark process only writes the DAG files,
 * creates runs and reads the database; every figure comes from timestamps the scheduler and the
 * workers stored, or from /proc. Each worker count gets fresh processes; their first round (cold
 * JVMs, cold caches) is reported apart and left out of min / median / max.
 */
final class DistributedBench {
  static final String NOOP_DAG = "bench_distributed_noop";
  static final String SHELL_DAG = "bench_distributed_shell";
  static final String CHAIN_DAG = "bench_distributed_chain";

  /**
   * The overrides every process gets unless the command line sets them: the queue and workers,
   * and intervals short enough that polling is not all that is measured (the defaults, 1 s each,
   * make a chain task wait about a second for its upstream to be seen and then claimed).
   */
  static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CONTRAIL__CORE__EXECUTOR", "distributed");
    m.put("CONTRAIL__CORE__PARALLELISM", "1024");
    m.put("CONTRAIL__CORE__DEFAULT_POOL_SLOTS", "1024"); // 128 by default: it capped the queue, not the workers
    m.put("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "100");
    m.put("CONTRAIL__WORKER__POLL_INTERVAL_MS", "100");
    m.put("CONTRAIL__WORKER__CONCURRENCY", "32");
    return m;
  }

  private DistributedBench() {}

  /** Throughput of {@code noopTasks} noop and {@code shellTasks} shell tasks for each worker count. */
  static Map<String, Object> throughput(BenchEnvironment env, List<Integer> workerCounts, int noopTasks,
      int shellTasks, int rounds, Map<String, String> overrides, int statements) throws IOException {
    requirePostgres(env);
    Map<String, Object> r = new LinkedHashMap<>();
    describe(env, overrides, r);
    writeDag(env, NOOP_DAG, noopTasks, "type: noop");
    writeDag(env, SHELL_DAG, shellTasks, "type: shell, command: 'true'");
    try (Contrail app = env.open(overrides)) {
      app.dagSync().sync();
      Map<String, Object> ceiling = new LinkedHashMap<>();
      ceiling.put("connections_1", CommitCeiling.measure(env.dbUrl(), 1, Duration.ofSeconds(3)));
      for (int n : workerCounts) {
        if (n > 1) {
          ceiling.put("connections_" + n, CommitCeiling.measure(env.dbUrl(), n, Duration.ofSeconds(3)));
        }
      }
      r.put("insert_commits_per_second", ceiling);
      for (int n : workerCounts) {
        Map<String, Object> at = new LinkedHashMap<>();
        try (BenchProcesses procs = start(env, overrides, n, "w" + n)) {
          at.put("gc", BenchProcesses.collector(procs.children().get(0)));
          env.resetStatements(app.database().sql());
          Map<String, Object> noop = rounds(app, env, procs, NOOP_DAG, noopTasks, rounds, n);
          List<String> top = env.topStatements(app.database().sql(), statements);
          if (!top.isEmpty()) {
            noop.put("postgres_top_statements", top);
          }
          double median = (Double) noop.remove("median_tasks_per_second");
          noop.put("ratio_to_commit_ceiling_1_connection", Scenarios.round(median / (Double) ceiling.get("connections_1"), 3));
          if (n > 1) {
            noop.put("ratio_to_commit_ceiling_" + n + "_connections",
                Scenarios.round(median / (Double) ceiling.get("connections_" + n), 3));
          }
          at.put("noop", noop);
          Map<String, Object> shell = rounds(app, env, procs, SHELL_DAG, shellTasks, rounds, n);
          shell.remove("median_tasks_per_second");
          at.put("shell", shell);
        }
        r.put("workers_" + n, at);
      }
    }
    return r;
  }

  /** Task-to-task gaps along a chain of noop tasks, scheduler and one worker in their own processes. */
  static Map<String, Object> latency(BenchEnvironment env, int workers, int chain, int rounds,
      Map<String, String> overrides) throws IOException {
    requirePostgres(env);
    Map<String, Object> r = new LinkedHashMap<>();
    describe(env, overrides, r);
    r.put("workers", workers);
    r.put("chain", chain);
    writeChain(env, CHAIN_DAG, chain);
    try (Contrail app = env.open(overrides);
         BenchProcesses procs = start(env, overrides, workers, "latency")) {
      app.dagSync().sync();
      r.put("gc", BenchProcesses.collector(procs.children().get(0)));
      Map<String, List<Double>> byPercentile = new LinkedHashMap<>();
      for (int round = 0; round <= rounds; round++) {
        DagRun run = runToEnd(app, CHAIN_DAG, chain);
        verify(app, run, chain, workers);
        List<Double> gaps = Scenarios.chainGapsMs(Scenarios.chainTasks(app, run));
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("p50_ms", Scenarios.percentile(gaps, 50));
        p.put("p95_ms", Scenarios.percentile(gaps, 95));
        p.put("p99_ms", Scenarios.percentile(gaps, 99));
        p.put("max_ms", gaps.get(gaps.size() - 1));
        if (round == 0) {
          Map<String, Object> cold = new LinkedHashMap<>();
          p.forEach((k, v) -> cold.put(k, Scenarios.round(v, 2)));
          r.put("cold_round", cold);
        } else {
          p.forEach((k, v) -> byPercentile.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
      }
      r.put("rounds", rounds);
      byPercentile.forEach((k, v) -> r.put(k, Scenarios.spread(v, 2)));
    }
    return r;
  }

  /** One cold round, then {@code rounds} measured ones, of a fresh run of {@code dagId}. */
  private static Map<String, Object> rounds(Contrail app, BenchEnvironment env, BenchProcesses procs, String dagId,
      int tasks, int rounds, int workers) {
    List<Double> tps = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> dbCpu = new ArrayList<>();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks", tasks);
    for (int round = 0; round <= rounds; round++) {
      double contrail0 = procs.contrailCpuSeconds();
      double pg0 = BenchProcesses.postgresCpuSeconds(env.postmasterPid());
      DagRun run = runToEnd(app, dagId, tasks);
      double contrail = procs.contrailCpuSeconds() - contrail0;
      double pg = BenchProcesses.postgresCpuSeconds(env.postmasterPid()) - pg0;
      int ok = verify(app, run, tasks, workers);
      double seconds = Duration.between(run.times().startDate(), run.times().endDate()).toNanos() / 1e9;
      if (round == 0) {
        r.put("cold_tasks_per_second", Scenarios.round(ok / seconds, 1));
        // a database minutes old has no planner statistics yet (autovacuum looks once a minute), and
        // the first measured round ran at a third of the others' speed until it had them (PostgreSQL
        // CPU per task 2.1 ms against 0.9): the measured rounds see tables as a running installation's are
        app.database().sql().update("ANALYZE");
      } else {
        tps.add(ok / seconds);
        cpu.add(contrail / ok * 1000);
        dbCpu.add(pg / ok * 1000);
      }
    }
    r.put("rounds", rounds);
    r.put("analyzed_after_cold_round", true);
    r.put("tasks_per_second", Scenarios.spread(tps, 1));
    // in the order measured: whether a slow round is the first after the cold one (warm-up) or any
    r.put("tasks_per_second_by_round", tps.stream().map(t -> Scenarios.round(t, 1)).toList());
    r.put("cpu_ms_per_task_contrail", Scenarios.spread(cpu, 3));
    r.put("cpu_ms_per_task_postgres", Scenarios.spread(dbCpu, 3));
    r.put("median_tasks_per_second", Overhead.median(tps));
    return r;
  }

  /**
   * That the feature was really on: the run succeeded, and every successful task instance is owned
   * by a worker's job (the scheduler's job never ran one). Returns the successful tasks.
   */
  static int verify(Contrail app, DagRun run, int tasks, int workers) {
    Sql sql = app.database().sql();
    long ok = sql.queryOne("SELECT COUNT(*) FROM task_instance WHERE dag_id = ? AND run_id = ? AND state = 'success'",
        rs -> rs.getLong(1), run.dagId(), run.runId()).orElse(0L);
    long byWorkers = sql.queryOne("SELECT COUNT(*) FROM task_instance t WHERE t.dag_id = ? AND t.run_id = ?"
        + " AND t.state = 'success' AND t.job_id IN (SELECT job_id FROM worker)", rs -> rs.getLong(1),
        run.dagId(), run.runId()).orElse(0L);
    long jobs = sql.queryOne("SELECT COUNT(DISTINCT job_id) FROM task_instance WHERE dag_id = ? AND run_id = ?",
        rs -> rs.getLong(1), run.dagId(), run.runId()).orElse(0L);
    if (!run.state().id().equals("success") || ok != tasks) {
      throw new IllegalStateException(run.key() + " ended " + run.state().id() + " with " + ok + " of " + tasks
          + " tasks successful");
    }
    if (byWorkers != ok) {
      throw new IllegalStateException(run.key() + ": only " + byWorkers + " of " + ok
          + " successful tasks ran in a worker: the distributed executor was not what ran them");
    }
    if (jobs > workers) {
      throw new IllegalStateException(run.key() + ": tasks owned by " + jobs + " jobs, but " + workers
          + " workers were started");
    }
    return (int) ok;
  }

  /** Creates a run of {@code dagId} and waits for the scheduler process to finish it. */
  static DagRun runToEnd(Contrail app, String dagId, int tasks) {
    Dag dag = app.stores().dags().find(dagId).orElseThrow(() -> new IllegalStateException(dagId + " was not synced"))
        .dag();
    RunKey key = app.runCreator().createNew(dag, RunRequest.manual("bench_" + System.nanoTime(), null, null)).key();
    long deadline = System.nanoTime() + Duration.ofSeconds(120 + tasks / 20).toNanos();
    while (true) {
      DagRun run = app.stores().runs().findRun(key).orElseThrow();
      if (run.state().isFinished()) {
        return run;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(key + " did not finish in time: " + run.state().id());
      }
      BenchProcesses.sleep(20);
    }
  }

  /** A scheduler, then {@code workers} workers, each a JVM of its own, all up. */
  private static BenchProcesses start(BenchEnvironment env, Map<String, String> overrides, int workers, String label) {
    BenchProcesses procs = new BenchProcesses(env.home().resolve("bench-processes").resolve(label),
        env.processVariables(overrides));
    try {
      procs.start("scheduler", "scheduler");
      for (int i = 1; i <= workers; i++) {
        procs.start("worker-" + i, "worker");
      }
      return procs;
    } catch (RuntimeException e) {
      procs.close();
      throw e;
    }
  }

  /** The settings every figure depends on: JDK, the wake-up mode and intervals, concurrency. */
  private static void describe(BenchEnvironment env, Map<String, String> overrides, Map<String, Object> r) {
    ContrailConfig c = env.config(overrides);
    r.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    r.put("jvms", "a scheduler and N workers, fresh JVMs per N; round 0 (cold) reported apart, not in min/median/max");
    r.put("wake_up", wakeUp(c));
    r.put("parallelism", c.core().parallelism());
    r.put("worker_concurrency", c.worker().concurrency());
    Map<String, String> settings = new java.util.TreeMap<>();
    overrides.forEach((k, v) -> settings.put(k.substring("CONTRAIL__".length()).toLowerCase(java.util.Locale.ROOT)
        .replaceFirst("__", "."), v));
    r.put("config", settings);
  }

  /** How workers and the scheduler learn of new work: PostgreSQL NOTIFY, with polling at their intervals behind it. */
  static String wakeUp(ContrailConfig c) {
    return "PostgreSQL LISTEN/NOTIFY, polling behind it: worker every " + c.worker().pollIntervalMs()
        + " ms (and after each finished try), scheduler loop every " + c.scheduler().loopIntervalMs() + " ms";
  }

  private static void requirePostgres(BenchEnvironment env) {
    if (!"postgres".equals(env.db())) {
      throw new IllegalArgumentException("the distributed scenarios run on PostgreSQL (--db postgres), not " + env.db());
    }
  }

  static void writeDag(BenchEnvironment env, String dagId, int tasks, String spec) throws IOException {
    StringBuilder b = header(dagId);
    for (int i = 0; i < tasks; i++) {
      b.append(String.format("  - {task_id: t%06d, %s}%n", i, spec));
    }
    write(env, dagId, b);
  }

  private static void writeChain(BenchEnvironment env, String dagId, int tasks) throws IOException {
    StringBuilder b = header(dagId);
    for (int i = 0; i < tasks; i++) {
      b.append(String.format("  - {task_id: t%06d, type: noop%s}%n", i,
          i == 0 ? "" : String.format(", depends_on: [t%06d]", i - 1)));
    }
    write(env, dagId, b);
  }

  private static StringBuilder header(String dagId) {
    // max_active_tasks raised so parallelism and the workers' slots, not a per-DAG cap, are the limit
    return new StringBuilder("dag_id: " + dagId + "\nschedule: null\nstart_date: 2026-01-01\npaused: false\n"
        + "max_active_runs: 1\nmax_active_tasks: 100000\ntags: [bench]\ntasks:\n");
  }

  private static void write(BenchEnvironment env, String dagId, StringBuilder yaml) {
    try {
      Path folder = env.home().resolve("dags");
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(dagId + ".yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
