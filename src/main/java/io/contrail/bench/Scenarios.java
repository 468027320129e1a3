package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.contrail.storage.Sql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark scenarios. Each returns its figures as an ordered map (printed as JSON and
 * appended to bench/RESULTS.md). Every figure comes from timestamps stored in the database or
 * from the process itself, measured in this run.
 */
final class Scenarios {
  private Scenarios() {}

  /** One DAG with {@code tasks} independent tasks: tasks per second from run start to run end. */
  static Map<String, Object> throughput(BenchEnvironment env, int tasks, boolean shell, Map<String, String> overrides) {
    return throughput(env, tasks, shell, 0, overrides);
  }

  /** The most unrecorded warm-up runs of the throughput scenario before its CPU per task has settled. */
  static final int MAX_WARM_UP = 40;

  /**
   * One DAG of {@code tasks} independent tasks, run once in a fresh process (cold: the JIT has not
   * compiled the scheduler's paths yet, its caches are empty), then, unrecorded, again until the
   * process's CPU per task has stopped falling ({@link Overhead#settled}: at least
   * {@value Overhead#MIN_WARM_UP} runs, at most {@value #MAX_WARM_UP}), then {@code warmRounds}
   * more times (warm), each a new run of the same DAG on top of the earlier ones' history. A run
   * measured while the JIT compiler still took a third of the CPU was not warm (2026-12-05: the
   * compiler threads had 46 % of a profile of rounds 2-4). {@code tasks_per_second} is the warm
   * median, or the cold figure without warm rounds (then there is no warm-up either).
   */
  static Map<String, Object> throughput(BenchEnvironment env, int tasks, boolean shell, int warmRounds,
      Map<String, String> overrides) {
    try (Contrail app = env.open(overrides)) {
      Dag dag = BenchDags.wide("bench_throughput_" + System.nanoTime(), tasks, shell);
      double[] cold = throughputRun(app, dag, tasks, "cold");
      List<Double> warmUpCpu = warmUp(warmRounds > 0, run -> throughputRun(app, dag, tasks, "warm-up " + run)[1]);
      java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
      long jitBefore = jit.getTotalCompilationTime();
      List<Double> warm = new ArrayList<>();
      List<Double> warmCpu = new ArrayList<>();
      for (int round = 1; round <= warmRounds; round++) {
        double[] measured = throughputRun(app, dag, tasks, "round " + round + "/" + warmRounds);
        warm.add(measured[0]);
        warmCpu.add(measured[1]);
      }
      double measuredSeconds = warm.stream().mapToDouble(tps -> tasks / tps).sum();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("tasks", tasks);
      r.put("task_type", shell ? "shell" : "noop");
      r.put("state", "success");
      r.put("run_seconds", round(tasks / cold[0], 3));
      r.put("cold_tasks_per_second", round(cold[0], 1));
      r.put("cold_cpu_ms_per_task", round(cold[1], 3));
      r.put("warm_up_rounds", warmUpCpu.size());
      r.put("warm_up_cpu_ms_per_task", warmUpCpu);
      r.put("warm_rounds", warmRounds);
      if (!warm.isEmpty()) {
        r.put("warm_tasks_per_second", spread(warm, 1));
        r.put("warm_cpu_ms_per_task", spread(warmCpu, 3));
        // how warm the measured rounds were: the JIT's share of their time (wall, on all cores)
        r.put("warm_jit_compile_ms_per_s", round((jit.getTotalCompilationTime() - jitBefore) / measuredSeconds, 1));
      }
      r.put("tasks_per_second", round(warm.isEmpty() ? cold[0] : Overhead.median(warm), 1));
      return r;
    }
  }

  /**
   * Unrecorded warm-up runs, while {@code on}, until the CPU per task they return has stopped
   * falling ({@link Overhead#settled}; at least {@value Overhead#MIN_WARM_UP}, at most
   * {@value #MAX_WARM_UP} runs): each run's CPU ms per task, rounded, in order.
   */
  static List<Double> warmUp(boolean on, java.util.function.IntToDoubleFunction run) {
    List<Double> cpu = new ArrayList<>();
    while (on && (cpu.size() < Overhead.MIN_WARM_UP || cpu.size() < MAX_WARM_UP && !Overhead.settled(cpu))) {
      cpu.add(round(run.applyAsDouble(cpu.size() + 1), 3));
    }
    return cpu;
  }

  /** One run of the throughput DAG: {tasks per second from its start to its end, this process's CPU-ms per task}. */
  private static double[] throughputRun(Contrail app, Dag dag, int tasks, String label) {
    double cpu0 = BenchProcesses.ownAndChildrenCpuSeconds()[0];
    DagRun run = BenchDags.run(app, dag, 1).get(0);
    double cpu1 = BenchProcesses.ownAndChildrenCpuSeconds()[0];
    if (!run.state().id().equals("success")) {
      throw new IllegalStateException(label + " run of the throughput benchmark ended " + run.state().id());
    }
    double seconds = Duration.between(run.times().startDate(), run.times().endDate()).toNanos() / 1e9;
    double[] figures = {tasks / seconds, (cpu1 - cpu0) * 1000 / tasks};
    System.err.printf("%s throughput %s: %.1f tasks/s, %.3f CPU-ms/task%n", java.time.Instant.now(), label,
        figures[0], figures[1]);
    return figures;
  }

  /** "min / median / max" of {@code values} ("none" when there are none): every scenario's spread. */
  static String spread(List<Double> values, int digits) {
    if (values.isEmpty()) {
      return "none";
    }
    List<Double> s = new ArrayList<>(values);
    s.sort(Double::compare);
    return round(s.get(0), digits) + " / " + round(Overhead.median(s), digits) + " / " + round(s.get(s.size() - 1), digits);
  }

  /** A chain of noop tasks: downstream start minus upstream end, and queued to first task start. */
  static Map<String, Object> latency(BenchEnvironment env, int chain, Map<String, String> overrides) {
    try (Contrail app = env.open(overrides)) {
      Dag dag = BenchDags.chain("bench_latency_" + System.nanoTime(), chain);
      DagRun run = BenchDags.run(app, dag, 1).get(0);
      List<TaskInstance> tis = chainTasks(app, run);
      List<Double> gaps = chainGapsMs(tis);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("chain", chain);
      r.put("state", run.state().id());
      r.put("p50_ms", round(percentile(gaps, 50), 2));
      r.put("p95_ms", round(percentile(gaps, 95), 2));
      r.put("p99_ms", round(percentile(gaps, 99), 2));
      r.put("max_ms", round(gaps.isEmpty() ? 0 : gaps.get(gaps.size() - 1), 2));
      r.put("queued_to_first_start_ms", round(Duration.between(run.times().queuedAt(),
          tis.get(0).times().startDate()).toNanos() / 1e6, 2));
      r.put("run_seconds", round(Duration.between(run.times().startDate(), run.times().endDate()).toNanos() / 1e9, 3));
      return r;
    }
  }

  /**
   * Single-row conditional UPDATE commits per second on the same database — the physical bound of
   * a scheduler that commits every state change — and the throughput scenario divided by it.
   */
  static Map<String, Object> dbCeiling(BenchEnvironment env, int tasks) {
    Map<String, Object> r = new LinkedHashMap<>();
    try (Contrail app = env.open(Map.of())) {
      Sql sql = app.database().sql();
      sql.update("CREATE TABLE bench_ceiling (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)");
      sql.update("INSERT INTO bench_ceiling (id, v) VALUES (1, 0)");
      long v = 0;
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      long t0 = System.nanoTime();
      while (System.nanoTime() < end) {
        if (sql.update("UPDATE bench_ceiling SET v = ? WHERE id = 1 AND v = ?", v + 1, v) != 1) {
          throw new IllegalStateException("compare-and-set lost on a private table");
        }
        v++;
      }
      double perSecond = v / ((System.nanoTime() - t0) / 1e9);
      r.put("commits_per_second", round(perSecond, 1));
      Map<String, Object> tp = throughput(env, tasks, false, Map.of());
      r.put("tasks", tasks);
      r.put("tasks_per_second", tp.get("tasks_per_second"));
      r.put("ratio_to_commit_ceiling", round((Double) tp.get("tasks_per_second") / perSecond, 4));
    }
    return r;
  }

  /** A chain run's task instances in chain order (the chain's tasks are named in order). */
  static List<TaskInstance> chainTasks(Contrail app, DagRun run) {
    List<TaskInstance> tis = new ArrayList<>(app.stores().runs().taskInstances(run.key()));
    tis.sort(Comparator.comparing(TaskInstance::taskId));
    return tis;
  }

  /** Task-to-task gaps in ms along {@link #chainTasks}, sorted: each start minus its upstream's end. */
  static List<Double> chainGapsMs(List<TaskInstance> chain) {
    List<Double> gaps = new ArrayList<>();
    for (int i = 1; i < chain.size(); i++) {
      gaps.add(Duration.between(chain.get(i - 1).times().endDate(), chain.get(i).times().startDate()).toNanos() / 1e6);
    }
    gaps.sort(Double::compare);
    return gaps;
  }

  static double percentile(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
