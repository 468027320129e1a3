package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.storage.DagStore;
import io.contrail.storage.StoredDag;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DAG definitions a scheduler works with: this process's parse when it syncs dags_folder,
 * else the database's serialized copy, read once; and each definition's downstream map, computed
 * once per parse.
 */
final class DagCache {
  private final DagStore dags;
  private final Map<String, Dag> byId = new HashMap<>();
  private final Map<Dag, Map<String, List<String>>> downstream = new IdentityHashMap<>();

  DagCache(DagStore dags) {
    this.dags = dags;
  }

  /** The DAG, or null when neither this process nor the database knows it. */
  Dag get(String dagId) {
    Dag dag = byId.get(dagId);
    if (dag == null) {
      dag = dags.find(dagId).map(StoredDag::dag).orElse(null);
      if (dag != null) {
        byId.put(dagId, dag);
      }
    }
    return dag;
  }

  /** DAGs this process just parsed: they replace what was cached. */
  void putAll(Map<String, Dag> parsed) {
    byId.putAll(parsed);
  }

  Map<String, List<String>> downstream(Dag dag) {
    return downstream.computeIfAbsent(dag, Dag::downstreamMap);
  }
}
