package io.contrail.storage.memory;

import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.PoolStore;
import io.contrail.storage.RunStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link PoolStore} in memory; occupied slots are read from the task instances of a run store. */
public final class InMemoryPoolStore implements PoolStore {
  private final Map<String, Integer> slots = new TreeMap<>();
  private final RunStore runs;

  public InMemoryPoolStore(RunStore runs) {
    this.runs = runs;
  }

  @Override
  public synchronized void ensure(String pool, int size, String description) {
    slots.putIfAbsent(pool, size);
  }

  @Override
  public synchronized void setSlots(String pool, int size) {
    slots.put(pool, size);
  }

  @Override
  public synchronized Map<String, Integer> slots() {
    return new LinkedHashMap<>(slots);
  }

  @Override
  public Map<String, Integer> occupiedSlots() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (TaskInstance ti : runs.taskInstancesInStates(List.of(TaskState.QUEUED, TaskState.RUNNING))) {
      out.merge(ti.profile().pool(), ti.profile().poolSlots(), Integer::sum);
    }
    return out;
  }
}
