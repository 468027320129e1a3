package io.contrail.storage;

import java.util.Map;

/** Pools: named slot limits shared by every executor on the database. */
public interface PoolStore {
  /** Creates the pool with {@code slots} when it does not exist; an existing pool keeps its size. */
  void ensure(String pool, int slots, String description);

  /** Sets the size of a pool, creating it when needed. */
  void setSlots(String pool, int slots);

  /** Pool name to its number of slots. */
  Map<String, Integer> slots();

  /** Pool name to the slots held by queued or running task instances. */
  Map<String, Integer> occupiedSlots();
}
