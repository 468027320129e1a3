package io.contrail.storage;

import static io.contrail.testing.Fixtures.T0;
import static io.contrail.testing.Fixtures.anEtlDag;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.dag.ImportError;
import io.contrail.storage.memory.InMemoryDagStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A worker reads a DAG's serialized definition again only when it changed, and forgets a deleted one. */
class DagCacheTest {
  /** The in-memory store, counting the reads of whole DAGs. */
  static final class CountingDags implements DagStore {
    final InMemoryDagStore store = new InMemoryDagStore();
    int reads;

    @Override
    public boolean upsert(Dag dag, String fileHash, boolean pausedIfNew, Instant now) {
      return store.upsert(dag, fileHash, pausedIfNew, now);
    }

    @Override
    public void deactivateAllExcept(Collection<String> present) {
      store.deactivateAllExcept(present);
    }

    @Override
    public Optional<StoredDag> find(String dagId) {
      reads++;
      return store.find(dagId);
    }

    @Override
    public Optional<String> fileHash(String dagId) {
      return store.fileHash(dagId);
    }

    @Override
    public List<StoredDag> list() {
      return store.list();
    }

    @Override
    public boolean setPaused(String dagId, boolean paused) {
      return store.setPaused(dagId, paused);
    }

    @Override
    public void replaceImportErrors(List<ImportError> errors, Instant now) {
      store.replaceImportErrors(errors, now);
    }

    @Override
    public List<ImportError> importErrors() {
      return store.importErrors();
    }
  }

  @Test
  void aDagIsReadOnceWhileItsDefinitionIsUnchangedAndAgainWhenItChanges() {
    CountingDags dags = new CountingDags();
    DagCache cache = new DagCache(dags);
    dags.upsert(anEtlDag("etl"), "hash-1", false, T0);

    for (int claim = 0; claim < 5; claim++) {
      assertThat(cache.find("etl")).contains(anEtlDag("etl"));
    }
    assertThat(dags.reads).as("five claims of one unchanged DAG").isEqualTo(1);

    Dag moved = anEtlDag("etl").withFileloc("/dags/moved.yaml");
    dags.upsert(moved, "hash-2", false, T0);
    assertThat(cache.find("etl")).contains(moved);
    assertThat(cache.find("etl")).contains(moved);
    assertThat(dags.reads).isEqualTo(2);
  }

  @Test
  void aDagNotInTheDatabaseIsEmpty() {
    CountingDags dags = new CountingDags();
    DagCache cache = new DagCache(dags);

    assertThat(cache.find("gone")).isEmpty();
    assertThat(dags.reads).isZero();
  }
}
