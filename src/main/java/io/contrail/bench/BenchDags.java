package io.contrail.bench;

import io.contrail.cli.App;
import io.contrail.cli.Foreground;
import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.dag.TaskType;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunType;
import io.contrail.scheduler.RunFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The DAGs the benchmarks run, and running them to completion through the real scheduler. */
final class BenchDags {
  private BenchDags() {}

  /** {@code n} independent tasks; noop, or shell tasks running {@code true}. */
  static Dag wide(String dagId, int n, boolean shell) {
    List<TaskDefinition> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TaskDefinition.Builder b = TaskDefinition.builder(String.format("t%06d", i), shell ? TaskType.SHELL : TaskType.NOOP);
      if (shell) {
        b.command("true");
      }
      tasks.add(b.build());
    }
    return dag(dagId, tasks);
  }

  /** A chain t0 -> t1 -> ... of {@code n} noop tasks. */
  static Dag chain(String dagId, int n) {
    List<TaskDefinition> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TaskDefinition.Builder b = TaskDefinition.builder(String.format("t%06d", i), TaskType.NOOP);
      if (i > 0) {
        b.dependsOn(String.format("t%06d", i - 1));
      }
      tasks.add(b.build());
    }
    return dag(dagId, tasks);
  }

  private static Dag dag(String dagId, List<TaskDefinition> tasks) {
    // max_active_tasks is raised so the executor's parallelism, not a per-DAG cap, is the limit
    return new Dag(dagId, "benchmark", null, Instant.parse("2026-01-01T00:00:00Z"), false, false, 16,
        100_000, List.of("bench"), tasks, "bench");
  }

  /** Registers the DAG, creates {@code runs} manual runs of it and runs them all to completion. */
  static List<DagRun> run(App app, Dag dag, int runs) {
    app.stores().dags().upsert(dag, "bench-" + dag.dagId(), false, app.clock().instant());
    Set<RunKey> keys = new LinkedHashSet<>();
    for (int i = 0; i < runs; i++) {
      Instant now = app.clock().instant();
      RunFactory.NewRun nr = RunFactory.create(dag, RunType.MANUAL, "bench_" + i + "_" + now, now, null, null, null, now);
      app.stores().runs().createRun(nr.run(), nr.taskInstances());
      keys.add(nr.run().key());
    }
    Foreground.runToCompletion(app, keys, "bench", r -> { });
    List<DagRun> out = new ArrayList<>();
    for (RunKey k : keys) {
      out.add(app.stores().runs().findRun(k).orElseThrow());
    }
    return out;
  }
}
