package io.contrail.storage;

import io.contrail.run.RunKey;
import java.util.List;

/**
 * {@link DeletionStore} on the metadata database. One transaction first locks every task instance
 * of what is deleted that could still run ({@code SELECT ... FOR UPDATE} on the unfinished ones),
 * then deletes only if none of them is queued or running. A scheduler or executor moving one of
 * those at the same moment either committed first — and the delete is refused — or waits for the
 * lock and then finds its row gone, so its compare-and-set changes nothing and no task starts for
 * a run that no longer exists.
 */
final class JdbcDeletionStore implements DeletionStore {
  private static final String UNFINISHED = " AND state NOT IN ('success', 'failed', 'upstream_failed', 'skipped')";
  private final Sql sql;

  JdbcDeletionStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public Outcome deleteRun(RunKey key) {
    return sql.inTransaction(tx -> {
      if (tx.query("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ? FOR UPDATE", rs -> 1,
          key.dagId(), key.runId()).isEmpty()) {
        return Outcome.NOT_FOUND;
      }
      List<String> states = tx.query("SELECT state FROM task_instance WHERE dag_id = ? AND run_id = ?" + UNFINISHED
          + " FOR UPDATE", rs -> rs.getString(1), key.dagId(), key.runId());
      if (states.contains("queued") || states.contains("running")) {
        return Outcome.ACTIVE;
      }
      // task instances and their attempts go with the run (ON DELETE CASCADE)
      tx.update("DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?", key.dagId(), key.runId());
      return Outcome.DELETED;
    });
  }

  @Override
  public Outcome deleteDag(String dagId) {
    return sql.inTransaction(tx -> {
      if (tx.query("SELECT 1 FROM dag WHERE dag_id = ? FOR UPDATE", rs -> 1, dagId).isEmpty()) {
        return Outcome.NOT_FOUND;
      }
      List<String> states = tx.query("SELECT state FROM task_instance WHERE dag_id = ?" + UNFINISHED + " FOR UPDATE",
          rs -> rs.getString(1), dagId);
      if (states.contains("queued") || states.contains("running")) {
        return Outcome.ACTIVE;
      }
      tx.update("DELETE FROM dag_run WHERE dag_id = ?", dagId);
      tx.update("DELETE FROM dag WHERE dag_id = ?", dagId); // its tags go with it (ON DELETE CASCADE)
      return Outcome.DELETED;
    });
  }
}
