package io.contrail.scheduler;

import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Scheduled task instances waiting for executor capacity, kept in priority order, so that a
 * queueing pass looks only at as many as it can start rather than sorting the whole backlog.
 */
final class ScheduledQueue {
  private final TreeSet<TaskInstance> ordered = new TreeSet<>(QueueDecision.PRIORITY_ORDER);
  private final Map<TaskInstanceKey, TaskInstance> byKey = new HashMap<>();
  private final Map<String, Integer> perDag = new HashMap<>();

  void put(TaskInstance ti) {
    remove(ti.key());
    ordered.add(ti);
    byKey.put(ti.key(), ti);
    perDag.merge(ti.dagId(), 1, Integer::sum);
  }

  void remove(TaskInstanceKey key) {
    TaskInstance old = byKey.remove(key);
    if (old != null) {
      ordered.remove(old);
      perDag.computeIfPresent(old.dagId(), (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  /** Drops the task instances of runs {@code keep} says no to. */
  void retainRuns(Predicate<RunKey> keep) {
    List<TaskInstanceKey> gone = new ArrayList<>();
    for (TaskInstanceKey key : byKey.keySet()) {
      if (!keep.test(key.runKey())) {
        gone.add(key);
      }
    }
    gone.forEach(this::remove);
  }

  void clear() {
    ordered.clear();
    byKey.clear();
    perDag.clear();
  }

  boolean isEmpty() {
    return byKey.isEmpty();
  }

  int size() {
    return byKey.size();
  }

  Iterable<TaskInstance> inPriorityOrder() {
    return ordered;
  }

  /** The DAGs that have task instances waiting. */
  Set<String> dagIds() {
    return perDag.keySet();
  }
}
