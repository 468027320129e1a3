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
 * the same process, through the bash wrapper ({@code false}): one unrecorded warm-up run of each,
 * then {@code rounds} runs of each in alternating order, each on a freshly opened scheduler in
 * the warm JVM; noop tasks alternated with them as the floor (what scheduling a task costs without a
 * process). Per mode: min / median / max of tasks/s (successful tasks ÷ run start to end as
 * stored) and of CPU per task: this JVM (utime + stime), the task processes it waited for
 * (cutime + cstime), and on PostgreSQL the postmaster and its backends.
 */
final class ShellThroughput {
  private ShellThroughput() {}

  static Map<String, Object> run(BenchEnvironment env, int tasks, int rounds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("tasks", tasks);
    r.put("task_type", "shell");
    r.put("jvm", "warm: one unrecorded run per mode first; rounds rotate direct / wrapper / noop, each on a fresh scheduler");
    Map<Mode, List<double[]>> figures = new java.util.EnumMap<>(Mode.class);
    for (Mode m : Mode.values()) {
      figures.put(m, new ArrayList<>());
      once(env, tasks, m);
    }
    for (int i = 0; i < rounds; i++) {
      List<Mode> order = new ArrayList<>(List.of(Mode.values()));
      java.util.Collections.rotate(order, i);
      for (Mode m : order) {
        figures.get(m).add(once(env, tasks, m));
      }
    }
    r.put("rounds", rounds);
    for (Mode m : Mode.values()) {
      r.put(m.id, summary(figures.get(m), env));
    }
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
  private static double[] once(BenchEnvironment env, int tasks, Mode mode) {
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
      return new double[] {tasks / seconds, (cpu1[0] - cpu0[0]) * 1000 / tasks, (cpu1[1] - cpu0[1]) * 1000 / tasks,
          db * 1000 / tasks};
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
