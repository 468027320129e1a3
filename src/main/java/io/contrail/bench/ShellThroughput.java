package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code throughput --shell}: a run of N shell tasks running {@code true}, with commands that need
 * no shell run directly ({@code [core] shell_direct_exec = true}, the default) and, alternated in
 * the same process, through the bash wrapper ({@code false}), with noop tasks as the floor (what
 * scheduling a task costs without a process), each run on a freshly opened scheduler. A first
 * rotation of the three is the cold one (reported as such); then, unrecorded, rotations until this
 * JVM's CPU per direct task has stopped falling (the rule of {@link Overhead#settled}, at least
 * {@value Overhead#MIN_WARM_UP}, at most {@value Scenarios#MAX_WARM_UP} rotations: one warm-up run
 * per mode had left the JIT compiler with 41 % of a profile's samples); then {@code rounds}
 * rotations in rotating order, measured. Per mode: min / median / max of tasks/s (successful
 * tasks ÷ run start to end as stored) and of CPU per task: this JVM (utime + stime), the task
 * processes it waited for (cutime + cstime), and on PostgreSQL the postmaster and its backends.
 */
final class ShellThroughput {
  private ShellThroughput() {}

  static Map<String, Object> run(BenchEnvironment env, int tasks, int rounds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks", tasks);
    r.put("task_type", "shell");
    r.put("jvm", "a cold rotation of direct / wrapper / noop, then unrecorded rotations until the JVM's CPU per"
        + " direct task stops falling, then the measured rotations, in rotating order, each run on a fresh scheduler");
    Map<Mode, double[]> cold = new java.util.EnumMap<>(Mode.class);
    for (Mode m : Mode.values()) {
      cold.put(m, once(env, tasks, m, "cold"));
    }
    List<Double> warmUpCpu = Scenarios.warmUp(rounds > 0, run -> {
      double direct = 0;
      for (Mode m : Mode.values()) {
        double[] f = once(env, tasks, m, "warm-up " + run);
        direct = m == Mode.DIRECT ? f[1] : direct;
      }
      return direct;
    });
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    long jitBefore = jit.getTotalCompilationTime();
    long measuredFrom = System.nanoTime();
    Map<Mode, List<double[]>> figures = new java.util.EnumMap<>(Mode.class);
    for (Mode m : Mode.values()) {
      figures.put(m, new ArrayList<>());
    }
    for (int i = 0; i < rounds; i++) {
      List<Mode> order = new ArrayList<>(List.of(Mode.values()));
      java.util.Collections.rotate(order, i);
      for (Mode m : order) {
        figures.get(m).add(once(env, tasks, m, "round " + (i + 1) + "/" + rounds));
      }
    }
    double measuredSeconds = (System.nanoTime() - measuredFrom) / 1e9;
    r.put("warm_up_rounds", warmUpCpu.size());
    r.put("warm_up_cpu_ms_per_task_jvm_direct", warmUpCpu);
    r.put("rounds", rounds);
    for (Mode m : Mode.values()) {
      double[] c = cold.get(m);
      r.put("cold_" + m.id, "tasks_per_second=" + Scenarios.round(c[0], 1) + ", cpu_ms_per_task_jvm="
          + Scenarios.round(c[1], 2) + ", cpu_ms_per_task_processes=" + Scenarios.round(c[2], 2));
      if (rounds > 0) {
        r.put(m.id, summary(figures.get(m), env));
      }
    }
    if (rounds == 0) {
      r.put("tasks_per_second", Scenarios.round(cold.get(Mode.DIRECT)[0], 1));
      r.put("ratio_direct_to_wrapper", Scenarios.round(cold.get(Mode.DIRECT)[0] / cold.get(Mode.WRAPPER)[0], 2));
      return r;
    }
    // how warm the measured rounds were: the JIT's compile time per second of them (wall, all cores)
    r.put("warm_jit_compile_ms_per_s", Scenarios.round((jit.getTotalCompilationTime() - jitBefore) / measuredSeconds, 1));
    double direct = median(figures.get(Mode.DIRECT), 0);
    double wrapper = median(figures.get(Mode.WRAPPER), 0);
    r.put("tasks_per_second", Scenarios.round(direct, 1));
    r.put("ratio_direct_to_wrapper", Scenarios.round(direct / wrapper, 2));
    return r;
  }

  /** What the tasks of a round are: shell tasks run directly or through the wrapper, or noop tasks. */
  private enum Mode {
    DIRECT("direct"), WRAPPER("wrapper"), NOOP("noop");

    final String id;

    Mode(String id) {
      this.id = id;
    }
  }

  /**
   * One run: {tasks/s, CPU ms per task of this JVM, of the task processes, of PostgreSQL}.
   */
  private static double[] once(BenchEnvironment env, int tasks, Mode mode, String label) {
    try (Contrail app = env.open(Map.of("CONTRAIL__CORE__SHELL_DIRECT_EXEC", String.valueOf(mode == Mode.DIRECT)))) {
      Dag dag = BenchDags.wide("bench_shell_" + System.nanoTime(), tasks, mode != Mode.NOOP);
      double[] cpu0 = BenchProcesses.ownAndChildrenCpuSeconds();
      double db0 = BenchProcesses.postgresCpuSeconds(env.postmasterPid());
      DagRun run = BenchDags.run(app, dag, 1).get(0);
      double[] cpu1 = BenchProcesses.ownAndChildrenCpuSeconds();
      double db = BenchProcesses.postgresCpuSeconds(env.postmasterPid()) - db0;
      if (run.state() != RunState.SUCCESS) {
        throw new IllegalStateException("the benchmark run ended " + run.state().id() + ", not success");
      }
      double seconds = Duration.between(run.times().startDate(), run.times().endDate()).toNanos() / 1e9;
      double[] figures = {tasks / seconds, (cpu1[0] - cpu0[0]) * 1000 / tasks, (cpu1[1] - cpu0[1]) * 1000 / tasks,
          db * 1000 / tasks};
      System.err.printf("%s throughput --shell %s %s: %.1f tasks/s, CPU-ms/task %.3f JVM, %.3f processes%n",
          java.time.Instant.now(), label, mode.id, figures[0], figures[1], figures[2]);
      return figures;
    }
  }

  private static Map<String, Object> summary(List<double[]> rounds, BenchEnvironment env) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tasks_per_second", spread(rounds, 0, 1));
    m.put("cpu_ms_per_task_jvm", spread(rounds, 1, 2));
    m.put("cpu_ms_per_task_processes", spread(rounds, 2, 2));
    if (env.postmasterPid().isPresent()) {
      m.put("cpu_ms_per_task_postgres", spread(rounds, 3, 2));
    }
    return m;
  }

  private static String spread(List<double[]> rounds, int field, int digits) {
    return Scenarios.spread(rounds.stream().map(a -> a[field]).toList(), digits);
  }

  private static double median(List<double[]> rounds, int field) {
    return Overhead.median(rounds.stream().map(a -> a[field]).sorted().toList());
  }
}
