package io.contrail.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link PoolStore} on the metadata database. */
final class JdbcPoolStore implements PoolStore {
  private final Sql sql;

  JdbcPoolStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public void ensure(String pool, int slots, String description) {
    sql.inTransaction(tx -> {
      if (tx.query("SELECT 1 FROM pool WHERE pool = ?", rs -> 1, pool).isEmpty()) {
        tx.update("INSERT INTO pool (pool, slots, description) VALUES (?, ?, ?)", pool, slots, description);
      }
      return null;
    });
  }

  @Override
  public void setSlots(String pool, int slots) {
    if (sql.update("UPDATE pool SET slots = ? WHERE pool = ?", slots, pool) == 0) {
      ensure(pool, slots, "");
    }
  }

  @Override
  public Map<String, Integer> slots() {
    Map<String, Integer> out = new LinkedHashMap<>();
    sql.query("SELECT pool, slots FROM pool ORDER BY pool", rs -> out.put(rs.getString(1), rs.getInt(2)));
    return out;
  }

  @Override
  public Map<String, Integer> occupiedSlots() {
    Map<String, Integer> out = new LinkedHashMap<>();
    sql.query("SELECT pool, SUM(pool_slots) FROM task_instance WHERE state IN ('queued', 'running') GROUP BY pool",
        rs -> out.put(rs.getString(1), rs.getInt(2)));
    return out;
  }
}
