package io.contrail.storage.memory;

import io.contrail.api.Dag;
import io.contrail.dag.ImportError;
import io.contrail.storage.DagStore;
import io.contrail.storage.StoredDag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link DagStore} in memory, behaving like {@code JdbcDagStore}. */
public final class InMemoryDagStore implements DagStore {
  private final Map<String, StoredDag> dags = new TreeMap<>();
  private final List<ImportError> importErrors = new ArrayList<>();

  @Override
  public synchronized boolean upsert(Dag dag, String fileHash, boolean pausedIfNew, Instant now) {
    StoredDag old = dags.get(dag.dagId());
    dags.put(dag.dagId(), new StoredDag(dag, fileHash, old == null ? pausedIfNew : old.paused(), true, now));
    return old == null;
  }

  @Override
  public synchronized void deactivateAllExcept(Collection<String> present) {
    dags.replaceAll((id, d) -> present.contains(id) || !d.active() ? d
        : new StoredDag(d.dag(), d.fileHash(), d.paused(), false, d.lastParsedAt()));
  }

  @Override
  public synchronized Optional<StoredDag> find(String dagId) {
    return Optional.ofNullable(dags.get(dagId));
  }

  @Override
  public synchronized List<StoredDag> list() {
    return List.copyOf(dags.values());
  }

  @Override
  public synchronized boolean setPaused(String dagId, boolean paused) {
    StoredDag d = dags.get(dagId);
    if (d == null) {
      return false;
    }
    dags.put(dagId, new StoredDag(d.dag(), d.fileHash(), paused, d.active(), d.lastParsedAt()));
    return true;
  }

  @Override
  public synchronized void replaceImportErrors(List<ImportError> errors, Instant now) {
    importErrors.clear();
    importErrors.addAll(errors);
  }

  @Override
  public synchronized List<ImportError> importErrors() {
    return importErrors.stream()
        .sorted(Comparator.comparing(ImportError::file).thenComparingInt(ImportError::line)).toList();
  }
}
