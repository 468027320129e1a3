package io.contrail.storage;

import io.contrail.run.RunKey;

/**
 * Deleting runs and DAGs from the metadata database: a run with its task instances and attempts,
 * a DAG with all of its runs. Each deletion is one transaction that first checks nothing of it is
 * queued or running, so an executor never loses a task it holds.
 */
public interface DeletionStore {
  /** What a deletion did. */
  enum Outcome { DELETED, NOT_FOUND, ACTIVE }

  Outcome deleteRun(RunKey key);

  /** Deletes the DAG's row, tags and every run of it. */
  Outcome deleteDag(String dagId);
}
