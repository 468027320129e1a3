package io.contrail.scheduler;

import io.contrail.run.TaskInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses which scheduled task instances go to the executor now: highest priority weight first
 * (then the earliest scheduled), within the executor's open slots, each DAG's max_active_tasks and
 * each pool's free slots. Pure: capacities in, choices out.
 */
final class QueueDecision {

  /** Why tasks stayed scheduled, for the starving-task metrics. */
  public record Result(List<TaskInstance> toQueue, int starvingForPool, int starvingForDag,
      Map<String, Integer> starvingByPool) {}

  private QueueDecision() {}

  /**
   * @param scheduled task instances in state scheduled
   * @param openSlots free executor slots
   * @param activeByDag queued or running task instances per dag_id
   * @param maxActiveTasks each DAG's max_active_tasks
   * @param poolSlots each pool's size (a missing pool has no slots, -1 is no limit)
   * @param poolOccupied slots held per pool by queued or running task instances
   */
  public static Result select(List<TaskInstance> scheduled, int openSlots,
      Map<String, Integer> activeByDag, Map<String, Integer> maxActiveTasks,
      Map<String, Integer> poolSlots, Map<String, Integer> poolOccupied) {
    List<TaskInstance> ordered = new ArrayList<>(scheduled);
    ordered.sort(PRIORITY_ORDER);
    return selectOrdered(ordered, openSlots, activeByDag, maxActiveTasks, poolSlots, poolOccupied);
  }

  /** Highest priority weight first, then the earliest scheduled, then by key for a stable order. */
  public static final Comparator<TaskInstance> PRIORITY_ORDER =
      Comparator.comparingInt((TaskInstance ti) -> ti.profile().priorityWeight()).reversed()
          .thenComparing(ti -> ti.times().scheduledAt() == null ? java.time.Instant.EPOCH : ti.times().scheduledAt())
          .thenComparing(TaskInstance::dagId).thenComparing(TaskInstance::runId).thenComparing(TaskInstance::taskId);

  /**
   * {@link #select} over task instances already in {@link #PRIORITY_ORDER}; stops as soon as the
   * executor's slots are filled, so the starving counts cover the task instances looked at.
   */
  public static Result selectOrdered(Iterable<TaskInstance> ordered, int openSlots,
      Map<String, Integer> activeByDag, Map<String, Integer> maxActiveTasks,
      Map<String, Integer> poolSlots, Map<String, Integer> poolOccupied) {
    Map<String, Integer> dagActive = new HashMap<>(activeByDag);
    Map<String, Integer> poolUsed = new HashMap<>(poolOccupied);
    Map<String, Integer> starvingByPool = new HashMap<>();
    List<TaskInstance> chosen = new ArrayList<>();
    int starvingPool = 0;
    int starvingDag = 0;
    for (TaskInstance ti : ordered) {
      if (chosen.size() >= openSlots) {
        break;
      }
      int active = dagActive.getOrDefault(ti.dagId(), 0);
      if (active >= maxActiveTasks.getOrDefault(ti.dagId(), Integer.MAX_VALUE)) {
        starvingDag++;
        continue;
      }
      String pool = ti.profile().pool();
      int used = poolUsed.getOrDefault(pool, 0);
      int size = poolSlots.getOrDefault(pool, 0);
      if (size >= 0 && used + ti.profile().poolSlots() > size) { // a pool of -1 slots has no limit
        starvingPool++;
        starvingByPool.merge(pool, 1, Integer::sum);
        continue;
      }
      chosen.add(ti);
      dagActive.put(ti.dagId(), active + 1);
      poolUsed.put(pool, used + ti.profile().poolSlots());
    }
    return new Result(chosen, starvingPool, starvingDag, starvingByPool);
  }
}
