package io.contrail.dag;

import io.contrail.api.Dag;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the DAG processor found in one pass over {@code dags_folder}: the DAGs that loaded,
 * keyed and sorted by dag_id, and an import error for every file that did not.
 */
public record DagBag(Map<String, Dag> dags, List<ImportError> importErrors) {

  public DagBag {
    SortedMap<String, Dag> sorted = new TreeMap<>(dags == null ? Map.of() : dags);
    dags = Collections.unmodifiableSortedMap(sorted);
    importErrors = List.copyOf(importErrors == null ? List.of() : importErrors);
  }

  public static DagBag empty() {
    return new DagBag(Map.of(), List.of());
  }

  public Optional<Dag> dag(String dagId) {
    return Optional.ofNullable(dags.get(dagId));
  }

  public int size() {
    return dags.size();
  }
}
