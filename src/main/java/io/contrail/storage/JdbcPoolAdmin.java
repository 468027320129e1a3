package io.contrail.storage;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link PoolAdmin} on the metadata database. */
final class JdbcPoolAdmin implements PoolAdmin {
  private final Sql sql;

  JdbcPoolAdmin(Sql sql) {
    this.sql = sql;
  }

  @Override
  public Page<PoolRow> pools(int limit, int offset, List<Listing.Sort<PoolColumn>> sort, Listing.Match name) {
    Where where = new Where().match("pool", name);
    String order = Where.orderBy(sort, c -> c == PoolColumn.CREATED ? "id" : "pool", c -> false, "id");
    return sql.inTransaction(tx -> {
      long total = tx.query("SELECT COUNT(*) FROM pool" + where.sql(), rs -> rs.getLong(1), where.args()).get(0);
      if (limit == 0) {
        return new Page<>(List.of(), total);
      }
      List<PoolRow> defined = tx.query("SELECT pool, slots, description, include_deferred FROM pool" + where.sql()
          + order + Where.page(), rs -> PoolRow.defined(rs.getString(1), rs.getInt(2), rs.getString(3),
          rs.getBoolean(4)), where.argsThen(offset, limit));
      return new Page<>(withUsage(tx, defined), total);
    });
  }

  @Override
  public Optional<PoolRow> pool(String name) {
    return sql.inTransaction(tx -> {
      List<PoolRow> defined = tx.query("SELECT pool, slots, description, include_deferred FROM pool WHERE pool = ?",
          rs -> PoolRow.defined(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBoolean(4)), name);
      return withUsage(tx, defined).stream().findFirst();
    });
  }

  /** The slots the pools' scheduled, queued and running task instances hold, from one grouped query. */
  private static List<PoolRow> withUsage(Sql.Tx tx, List<PoolRow> defined) throws SQLException {
    if (defined.isEmpty()) {
      return defined;
    }
    Where where = new Where().in("pool", defined.stream().map(PoolRow::name).toList())
        .add("state IN ('scheduled', 'queued', 'running')");
    Map<String, int[]> used = new HashMap<>();
    tx.query("SELECT pool, state, SUM(pool_slots) FROM task_instance" + where.sql() + " GROUP BY pool, state", rs -> {
      int[] u = used.computeIfAbsent(rs.getString(1), k -> new int[3]);
      switch (rs.getString(2)) {
        case "scheduled" -> u[0] += rs.getInt(3);
        case "queued" -> u[1] += rs.getInt(3);
        default -> u[2] += rs.getInt(3);
      }
      return null;
    }, where.args());
    return defined.stream().map(p -> {
      int[] u = used.getOrDefault(p.name(), new int[3]);
      return new PoolRow(p.name(), p.slots(), p.description(), p.includeDeferred(), u[0], u[1], u[2]);
    }).toList();
  }

  @Override
  public boolean create(PoolRow pool) {
    try {
      return sql.inTransaction(tx -> {
        if (!tx.query("SELECT 1 FROM pool WHERE pool = ?", rs -> 1, pool.name()).isEmpty()) {
          return false;
        }
        tx.update("INSERT INTO pool (pool, slots, description, include_deferred) VALUES (?, ?, ?, ?)",
            pool.name(), pool.slots(), pool.description(), pool.includeDeferred());
        return true;
      });
    } catch (StorageException e) {
      if (e.getCause() instanceof SQLException s && Sql.isUniqueViolation(s)) {
        return false; // created by another process between the check and the insert
      }
      throw e;
    }
  }

  @Override
  public boolean update(PoolRow pool) {
    return sql.update("UPDATE pool SET slots = ?, description = ?, include_deferred = ? WHERE pool = ?",
        pool.slots(), pool.description(), pool.includeDeferred(), pool.name()) == 1;
  }

  @Override
  public boolean delete(String name) {
    return sql.update("DELETE FROM pool WHERE pool = ?", name) == 1;
  }
}
