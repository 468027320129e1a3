package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.executor.Executor;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.storage.PoolStore;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Plans which scheduled task instances go to the executor in a pass: reads the capacities (open
 * executor slots, active tasks per DAG and pool) and lets {@link QueueDecision} choose within
 * them, highest priority first. Pool sizes are read once per full loop, so {@code pools set}
 * takes effect within a loop interval.
 */
final class QueuePlanner {
  private final RunStore runs;
  private final PoolStore pools;
  private final ActiveRuns active;
  private final DagCache dags;
  private final Executor executor;
  private final Telemetry telemetry;
  private final LongSupplier jobId;
  private Map<String, Integer> poolSlots = Map.of();
  private Map<String, Integer> starvingByPool = Map.of();

  QueuePlanner(RunStore runs, PoolStore pools, ActiveRuns active, DagCache dags, Executor executor,
      Telemetry telemetry, LongSupplier jobId) {
    this.runs = runs;
    this.pools = pools;
    this.active = active;
    this.dags = dags;
    this.executor = executor;
    this.telemetry = telemetry;
    this.jobId = jobId;
  }

  /** A full loop begins: pool sizes are read again at the next plan. */
  void newLoop() {
    poolSlots = Map.of();
  }

  /** Scheduled task instances left waiting for a pool's slots in the last plan, per pool. */
  Map<String, Integer> starvingByPool() {
    return starvingByPool;
  }

  /** Adds to the pass the scheduled task instances that fit the executor's slots, pools and DAG limits. */
  void plan(List<TaskChange> pass, Instant now) {
    ScheduledQueue waiting = active.scheduled();
    if (waiting.isEmpty()) {
      starvingByPool = Map.of();
      telemetry.starvingTasks(0, 0); // gauges report the current value: nothing waits now
      return;
    }
    int open = executor.openSlots();
    if (open <= 0) {
      telemetry.starvingTasks(0, 0); // no executor slot: nothing is executable now
      return;
    }
    Map<String, Integer> activeByDag = new HashMap<>();
    Map<String, Integer> poolOccupied = new HashMap<>();
    for (RunStore.ActiveCount c : runs.activeCounts()) {
      activeByDag.merge(c.dagId(), c.taskInstances(), Integer::sum);
      poolOccupied.merge(c.pool(), c.slots(), Integer::sum);
    }
    Map<String, Integer> maxActive = new HashMap<>();
    for (String dagId : waiting.dagIds()) {
      Dag dag = dags.get(dagId);
      maxActive.put(dagId, dag == null ? 0 : dag.maxActiveTasks());
    }
    if (poolSlots.isEmpty()) {
      poolSlots = pools.slots();
    }
    QueueDecision.Result result = QueueDecision.selectOrdered(waiting.inPriorityOrder(), open,
        activeByDag, maxActive, poolSlots, poolOccupied);
    starvingByPool = Map.copyOf(result.starvingByPool());
    // executable as in Airflow: the tasks chosen to be queued in this pass
    telemetry.starvingTasks(result.starvingForPool() + result.starvingForDag(), result.toQueue().size());
    for (TaskInstance ti : result.toQueue()) {
      waiting.remove(ti.key());
      pass.add(TaskChange.of(ti, ti.toQueued(now, jobId.getAsLong())));
    }
  }
}
