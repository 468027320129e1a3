package io.contrail.storage;

import io.contrail.run.RunKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads the rows of some task ids of one run: {@code dag_id = ? AND run_id = ? AND task_id IN
 * (...)} in chunks of {@link #CHUNK} ids, each a lookup by primary key. The rows of one task id
 * come together, in {@code orderBy}'s order (one id is never split across chunks).
 */
final class ByTaskIds {
  static final int CHUNK = 200;

  private ByTaskIds() {}

  /**
   * @param select {@code SELECT columns FROM table}
   * @param orderBy what follows {@code ORDER BY}, task_id first
   */
  static <T> List<T> query(Sql sql, String select, String orderBy, RunKey key, Collection<String> taskIds,
      Sql.RowMapper<T> mapper) {
    List<String> ids = new ArrayList<>(new TreeSet<>(taskIds));
    List<T> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      Object[] args = new Object[chunk.size() + 2];
      args[0] = key.dagId();
      args[1] = key.runId();
      for (int i = 0; i < chunk.size(); i++) {
        args[i + 2] = chunk.get(i);
      }
      out.addAll(sql.query(select + " WHERE dag_id = ? AND run_id = ? AND task_id IN (" + JdbcRunStore.marks(chunk.size())
          + ") ORDER BY " + orderBy, mapper, args));
    }
    return out;
  }
}
