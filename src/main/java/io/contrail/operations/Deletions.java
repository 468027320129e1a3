package io.contrail.operations;

import io.contrail.run.RunKey;
import io.contrail.storage.DeletionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes runs and DAGs, whoever asks (the REST API; later the CLI's {@code runs delete} and
 * {@code dags delete}): a run with its task instances and attempts, a DAG with all of its runs —
 * refused while anything of it is queued or running. A deleted DAG comes back, without its history,
 * when its file is parsed again (a restart, or any CLI command), as in Airflow. Log files stay.
 */
public final class Deletions {
  private static final Logger LOG = LoggerFactory.getLogger(Deletions.class);

  private final DeletionStore store;

  public Deletions(DeletionStore store) {
    this.store = store;
  }

  /** @param by who asked, for the log */
  public DeletionStore.Outcome deleteRun(RunKey key, String by) {
    DeletionStore.Outcome outcome = store.deleteRun(key);
    if (outcome == DeletionStore.Outcome.DELETED) {
      LOG.info("run {} deleted by {}", key, by);
    }
    return outcome;
  }

  /** @param by who asked, for the log */
  public DeletionStore.Outcome deleteDag(String dagId, String by) {
    DeletionStore.Outcome outcome = store.deleteDag(dagId);
    if (outcome == DeletionStore.Outcome.DELETED) {
      LOG.info("DAG {} and its runs deleted by {}", dagId, by);
    }
    return outcome;
  }
}
