package io.contrail.storage;

import io.contrail.run.RunKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads the rows of some task ids of one run: one statement, {@code dag_id = ? AND run_id = ? AND
 * task_id = ?}, prepared once and run per id — each a lookup by primary key. (An IN list was
 * slower on H2: every distinct list is parsed anew, and H2 evaluated it against each row of the
 * run instead of looking the ids up.) The rows of one task id come together, in {@code orderBy}'s
 * order.
 */
final class ByTaskIds {
  private ByTaskIds() {}

  /**
   * @param select {@code SELECT columns FROM table}
   * @param orderBy what follows {@code ORDER BY} among one task's rows
   */
  static <T> List<T> query(Sql sql, String select, String orderBy, RunKey key, Collection<String> taskIds,
      Sql.RowMapper<T> mapper) {
    List<Object[]> args = new ArrayList<>(taskIds.size());
    for (String id : taskIds) {
      args.add(new Object[] {key.dagId(), key.runId(), id});
    }
    return sql.inTransaction(tx -> tx.queryEach(select + " WHERE dag_id = ? AND run_id = ? AND task_id = ? ORDER BY "
        + orderBy, mapper, args));
  }
}
