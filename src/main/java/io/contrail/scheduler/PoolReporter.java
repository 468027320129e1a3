package io.contrail.scheduler;

import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.PoolStore;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reports every pool's open, queued and running slots (in slots, not tasks) and its starving tasks. */
final class PoolReporter {
  private static final List<TaskState> ACTIVE = List.of(TaskState.QUEUED, TaskState.RUNNING);

  private final RunStore runs;
  private final PoolStore pools;
  private final QueuePlanner planner;
  private final Telemetry telemetry;

  PoolReporter(RunStore runs, PoolStore pools, QueuePlanner planner, Telemetry telemetry) {
    this.runs = runs;
    this.pools = pools;
    this.planner = planner;
    this.telemetry = telemetry;
  }

  void report() {
    Map<String, int[]> used = new HashMap<>(); // pool -> {queued slots, running slots}
    for (TaskInstance ti : runs.taskInstancesInStates(ACTIVE)) {
      used.computeIfAbsent(ti.profile().pool(), p -> new int[2])[ti.state() == TaskState.QUEUED ? 0 : 1]
          += ti.profile().poolSlots();
    }
    Map<String, Integer> starving = planner.starvingByPool();
    List<Telemetry.PoolSlots> report = new ArrayList<>();
    pools.slots().forEach((pool, slots) -> {
      int[] u = used.getOrDefault(pool, new int[2]);
      // open slots of a pool without a limit (-1): reported as -1, as the REST API shows them
      report.add(new Telemetry.PoolSlots(pool, slots, slots < 0 ? -1 : slots - u[0] - u[1], u[0], u[1],
          starving.getOrDefault(pool, 0)));
    });
    telemetry.poolsState(report);
  }
}
