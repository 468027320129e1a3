package io.contrail.rest;

import io.contrail.analysis.CriticalPath;
import io.contrail.analysis.RunTimeline;
import io.contrail.analysis.RunTimelines;
import io.contrail.run.DagRun;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import java.time.Clock;

/**
 * {@code GET .../dagRuns/{dag_run_id}/criticalPath}, beside {@code .../trace}: the run's critical
 * path as {@code contrail traces critical-path --json} prints it (Contrail only).
 */
final class CriticalPathEndpoint implements Routes.Group {
  private final RunStore runs;
  private final DagStore dags;
  private final Lookups lookups;
  private final Clock clock;

  CriticalPathEndpoint(RunStore runs, DagStore dags, Lookups lookups, Clock clock) {
    this.runs = runs;
    this.dags = dags;
    this.lookups = lookups;
    this.clock = clock;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/criticalPath", ctx -> {
      DagRun run = lookups.run(ctx);
      RunTimeline t = RunTimelines.load(runs, dags, run.key(), clock.instant());
      if (t == null) { // deleted since the lookup
        throw Lookups.runNotFound(run.dagId(), run.runId());
      }
      Responses.json(ctx, CriticalPath.of(t).toJson(t));
    });
  }
}
