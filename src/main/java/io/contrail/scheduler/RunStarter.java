package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued runs, oldest first, within each DAG's max_active_runs. As in Airflow, a paused
 * DAG's queued runs wait until it is unpaused — except for a foreground scheduler ({@code dags
 * test}, backfill), which runs exactly the runs it was given.
 */
final class RunStarter {
  private static final Logger LOG = LoggerFactory.getLogger(RunStarter.class);

  private final RunStore runs;
  private final DagStore dagStore;
  private final DagCache dags;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Scheduler.Scope scope;
  private final LongSupplier jobId;

  RunStarter(RunStore runs, DagStore dagStore, DagCache dags, Clock clock, Telemetry telemetry, Scheduler.Scope scope,
      LongSupplier jobId) {
    this.runs = runs;
    this.dagStore = dagStore;
    this.dags = dags;
    this.clock = clock;
    this.telemetry = telemetry;
    this.scope = scope;
    this.jobId = jobId;
  }

  void startQueuedRuns() {
    Map<String, Integer> runningPerDag = new HashMap<>();
    Map<String, Boolean> paused = new HashMap<>();
    for (DagRun run : runs.runsInState(RunState.QUEUED)) {
      if (!scope.runs().test(run.key())) {
        continue;
      }
      Dag dag = dags.get(run.dagId());
      if (dag == null || (scope.schedules() && paused.computeIfAbsent(run.dagId(), this::isPaused))) {
        continue;
      }
      int running = runningPerDag.computeIfAbsent(run.dagId(), id -> runs.countRuns(id, RunState.RUNNING));
      if (running >= dag.maxActiveRuns()) {
        continue;
      }
      DagRun started = run.toRunning(clock.instant());
      if (runs.transition(run, started, jobId.getAsLong())) {
        runningPerDag.put(run.dagId(), running + 1);
        telemetry.runStateChanged(started, RunState.QUEUED, RunState.RUNNING);
        LOG.info("run {} started", run.key());
      }
    }
  }

  private boolean isPaused(String dagId) {
    return dagStore.find(dagId).map(StoredDag::paused).orElse(false);
  }
}
