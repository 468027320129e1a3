package io.contrail.storage;

import java.util.List;
import java.util.Optional;

/**
 * Pools as the REST API manages them: listed with the slots their task instances hold, created,
 * changed and deleted. {@code slots = -1} is a pool without a limit.
 */
public interface PoolAdmin {
  /** A pool and the slots held by its scheduled, queued and running task instances. */
  record PoolRow(String name, int slots, String description, boolean includeDeferred, int scheduledSlots,
      int queuedSlots, int runningSlots) {
    /** A pool as it is defined, without usage. */
    public static PoolRow defined(String name, int slots, String description, boolean includeDeferred) {
      return new PoolRow(name, slots, description, includeDeferred, 0, 0, 0);
    }
  }

  /** Sort keys of the pool list; {@code CREATED} is creation order. */
  enum PoolColumn { CREATED, NAME }

  Page<PoolRow> pools(int limit, int offset, List<Listing.Sort<PoolColumn>> sort, Listing.Match name);

  Optional<PoolRow> pool(String name);

  /** False, changing nothing, when a pool of that name exists. */
  boolean create(PoolRow pool);

  /** Writes the pool's slots, description and include_deferred; false when there is no such pool. */
  boolean update(PoolRow pool);

  /** False when there is no such pool. */
  boolean delete(String name);
}
