package io.contrail.storage;

import io.contrail.api.Dag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stored DAG definitions kept in memory while they are unchanged, for the readers that need a
 * DAG per batch: a worker's claims and the span outbox's batches. Reading and parsing the
 * serialized DAG each time cost a worker most of its CPU on large DAGs (a 10,000-task DAG parsed
 * once per batch of 32 tasks), and the span outbox most of its own (once per batch of spans),
 * where checking the definition's hash is one indexed one-column read. Bounded: the least
 * recently used DAG goes when more than {@link #MAX_DAGS} are held. Thread-safe.
 */
public final class DagCache {
  static final int MAX_DAGS = 256;
  private final DagStore dags;
  private final Map<String, StoredDag> held = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StoredDag> eldest) {
      return size() > MAX_DAGS;
    }
  };

  public DagCache(DagStore dags) {
    this.dags = dags;
  }

  /** The DAG as stored now; empty when it is not in the database. */
  public synchronized Optional<Dag> find(String dagId) {
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
