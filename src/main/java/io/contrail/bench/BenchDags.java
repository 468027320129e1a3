package io.contrail.bench;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.operations.RunRequest;
import io.contrail.roles.Contrail;
import io.contrail.roles.Foreground;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
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
      tasks.add(TaskDefinition.builder(String.format("t%06d", i), shell ? TaskSpec.shell("true") : TaskSpec.noop())
          .build());
    }
    return dag(dagId, tasks);
  }

  /** A chain t0 -> t1 -> ... of {@code n} noop tasks. */
  static Dag chain(String dagId, int n) {
    List<TaskDefinition> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TaskDefinition.Builder b = TaskDefinition.builder(String.format("t%06d", i), TaskSpec.noop());
      if (i > 0) {
        b.dependsOn(String.format("t%06d", i - 1));
      }
      tasks.add(b.build());
    }
    return dag(dagId, tasks);
  }

  private static Dag dag(String dagId, List<TaskDefinition> tasks) {
    // max_active_tasks is raised so the executor's parallelism, not a per-DAG cap, is the limit
    return Dag.builder(dagId).description("benchmark").startDate(Instant.parse("2026-01-01T00:00:00Z"))
        .paused(false).maxActiveRuns(16).maxActiveTasks(100_000).tags("bench").tasks(tasks).fileloc("bench").build();
  }

  /** Registers the DAG, creates {@code runs} manual runs of it and runs them all to completion. */
  static List<DagRun> run(Contrail app, Dag dag, int runs) {
    app.stores().dags().upsert(dag, "bench-" + dag.dagId(), false, app.clock().instant());
    Set<RunKey> keys = new LinkedHashSet<>();
    for (int i = 0; i < runs; i++) {
      String runId = "bench_" + i + "_" + app.clock().instant();
      keys.add(app.runCreator().createNew(dag, RunRequest.manual(runId, null, null)).key());
    }
    Foreground.runToCompletion(app, keys, r -> { });
    List<DagRun> out = new ArrayList<>();
    for (RunKey k : keys) {
      out.add(app.stores().runs().findRun(k).orElseThrow());
    }
    return out;
  }
}
