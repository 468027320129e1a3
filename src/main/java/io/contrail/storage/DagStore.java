package io.contrail.storage;

import io.contrail.api.Dag;
import io.contrail.dag.ImportError;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Serialized DAGs, their paused flags and the import errors of the DAG files. */
public interface DagStore {
  /** Inserts or updates a DAG; a new DAG starts paused when {@code pausedIfNew}. Returns true if it was new. */
  boolean upsert(Dag dag, String fileHash, boolean pausedIfNew, Instant now);

  /** Marks every active DAG not in {@code present} inactive (its file is gone or broken). */
  void deactivateAllExcept(Collection<String> present);

  Optional<StoredDag> find(String dagId);

  /**
   * The hash of the stored definition of the DAG, without reading the serialized DAG: a reader
   * that keeps a DAG in memory re-reads it only when this changed.
   */
  default Optional<String> fileHash(String dagId) {
    return find(dagId).map(StoredDag::fileHash);
  }

  List<StoredDag> list();

  /** A line of {@code dags list}: what it shows of a DAG, read without binding its whole definition. */
  record DagListing(String dagId, boolean paused, boolean active, String schedule, int tasks, List<String> tags,
      String fileloc) {}

  default List<DagListing> listings() {
    return list().stream().map(d -> new DagListing(d.dagId(), d.paused(), d.active(), d.dag().schedule(),
        d.dag().tasks().size(), d.dag().tags(), d.dag().fileloc())).toList();
  }

  /** What the scheduler checks every loop, without reading the serialized DAGs. */
  record DagSummary(String dagId, boolean paused, boolean active, String schedule, String fileHash) {}

  default List<DagSummary> summaries() {
    return list().stream().map(d -> new DagSummary(d.dagId(), d.paused(), d.active(), d.dag().schedule(),
        d.fileHash())).toList();
  }

  /** Returns false when there is no such DAG. */
  boolean setPaused(String dagId, boolean paused);

  void replaceImportErrors(List<ImportError> errors, Instant now);

  List<ImportError> importErrors();

  /**
   * The fingerprint of {@code dagsFolder} as the DAGs and import errors stored here reflect it
   * (recorded by the last sync of that folder); empty when none was recorded since, or when this
   * store keeps none (then every short command parses).
   */
  default Optional<String> folderFingerprint(String dagsFolder) {
    return Optional.empty();
  }

  /** Records that the stored DAGs and import errors are what {@code dagsFolder} yields with this fingerprint. */
  default void recordFolderFingerprint(String dagsFolder, String fingerprint, Instant now) {}
}
