package io.contrail.worker;

import io.contrail.api.Dag;
import io.contrail.storage.DagStore;
import io.contrail.storage.StoredDag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The DAGs a worker ran tasks of, kept in memory while their stored definition is unchanged. A
 * claim reads the DAG of what it took; reading and parsing the serialized DAG for every claim
 * cost a worker most of its CPU on large DAGs (a 10,000-task DAG parsed once per batch of 32
 * tasks), where checking its definition's hash is one indexed one-column read. Bounded: the least
 * recently used DAG goes when more than {@link #MAX_DAGS} are held. Used by the worker's claim
 * thread only.
 */
final class DagCache {
  static final int MAX_DAGS = 256;
  private final DagStore dags;
  private final Map<String, StoredDag> held = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StoredDag> eldest) {
      return size() > MAX_DAGS;
    }
  };

  DagCache(DagStore dags) {
    this.dags = dags;
  }

  /** The DAG as stored now; empty when it is not in the database. */
  Optional<Dag> find(String dagId) {
    Optional<String> hash = dags.fileHash(dagId);
    if (hash.isEmpty()) {
      held.remove(dagId);
      return Optional.empty();
    }
    StoredDag known = held.get(dagId);
    if (known != null && hash.get().equals(known.fileHash())) {
      return Optional.of(known.dag());
    }
    Optional<StoredDag> stored = dags.find(dagId);
    stored.ifPresentOrElse(d -> held.put(dagId, d), () -> held.remove(dagId));
    return stored.map(StoredDag::dag);
  }
}
