package io.contrail.storage;

import io.contrail.run.TaskInstanceKey;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * {@link LogOutbox} on the log_outbox table (see V24__log_outbox.sql): the span outbox's claim —
 * the first claimable ids of this host in id order, {@code FOR UPDATE SKIP LOCKED}, stamped in the
 * same transaction — then the rows read with their attempt's end, by primary key.
 */
final class JdbcLogOutbox implements LogOutbox {
  static final String INSERT_ATTEMPT = "INSERT INTO log_outbox (kind, host, dag_id, run_id, task_id, try_number)"
      + " VALUES ('attempt',?,?,?,?,?)";
  static final String RELEASE_CLAIMS = "UPDATE log_outbox SET claimed_by_job = NULL, claim_token = NULL,"
      + " claim_until = NULL WHERE claimed_by_job = ?";
  private static final String STAMP = "UPDATE log_outbox SET claimed_by_job = ?, claim_token = ?, claim_until = ? WHERE id = ?";
  private static final String ENTRIES = "SELECT o.id, o.dag_id, o.run_id, o.task_id, o.try_number, o.spool_file,"
      + " o.shipped_bytes, o.timeouts, h.try_number AS h_try, h.end_date AS h_end FROM log_outbox o"
      + " LEFT JOIN task_instance_history h ON h.dag_id = o.dag_id AND h.run_id = o.run_id AND h.task_id = o.task_id"
      + " AND h.try_number = o.try_number";

  private final Sql sql;
  private final java.time.Clock clock;

  JdbcLogOutbox(Sql sql, java.time.Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  @Override
  public Claim claim(Long jobId, String token, String host, int limit, Instant now, IntFunction<Duration> lease) {
    int[] timeouts = {0};
    int claimed = sql.inTransaction(tx -> {
      List<long[]> rows = tx.query("SELECT id, timeouts FROM log_outbox WHERE host = ? AND (claim_until IS NULL"
          + " OR claim_until < ?) ORDER BY host, id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY FOR UPDATE SKIP LOCKED",
          rs -> new long[] {rs.getLong(1), rs.getInt(2)}, host, now);
      if (rows.isEmpty()) {
        return 0;
      }
      timeouts[0] = (int) rows.stream().mapToLong(r -> r[1]).max().orElse(0);
      Instant until = now.plus(lease.apply(timeouts[0]));
      List<Object[]> stamps = new ArrayList<>(rows.size());
      for (long[] r : rows) {
        stamps.add(new Object[] {Sql.num(jobId), token, until, r[0]});
      }
      tx.batch(STAMP, stamps);
      return rows.size();
    });
    if (claimed == 0) {
      return new Claim(token, List.of(), 0);
    }
    return new Claim(token, sql.query(ENTRIES + " WHERE o.claim_token = ? ORDER BY o.id", this::map, token), timeouts[0]);
  }

  private Entry map(java.sql.ResultSet rs) throws SQLException {
    String dagId = rs.getString("dag_id");
    TaskInstanceKey attempt = dagId == null ? null : new TaskInstanceKey(dagId, rs.getString("run_id"), rs.getString("task_id"));
    Instant end = null;
    if (attempt != null) {
      // a try whose row is gone (its run was deleted) is over too
      end = Sql.nullableInt(rs, "h_try") == null ? clock.instant() : Sql.instant(rs, "h_end");
    }
    Integer tryNumber = Sql.nullableInt(rs, "try_number");
    return new Entry(rs.getLong("id"), attempt, tryNumber == null ? 0 : tryNumber, end, rs.getString("spool_file"),
        rs.getLong("shipped_bytes"), rs.getInt("timeouts"));
  }

  @Override
  public void shipped(String token, Map<Long, Long> offsets, Set<Long> done) {
    sql.inTransaction(tx -> {
      List<Object[]> advanced = new ArrayList<>();
      List<Object[]> deleted = new ArrayList<>();
      offsets.forEach((id, offset) -> {
        if (!done.contains(id)) {
          advanced.add(new Object[] {offset, id, token});
        }
      });
      done.forEach(id -> deleted.add(new Object[] {id, token}));
      tx.batch("UPDATE log_outbox SET shipped_bytes = ?, timeouts = 0, claimed_by_job = NULL, claim_token = NULL,"
          + " claim_until = NULL WHERE id = ? AND claim_token = ?", advanced);
      tx.batch("DELETE FROM log_outbox WHERE id = ? AND claim_token = ?", deleted);
      tx.update("UPDATE log_outbox SET claimed_by_job = NULL, claim_token = NULL, claim_until = NULL WHERE claim_token = ?",
          token);
      return null;
    });
  }

  @Override
  public void release(String token, boolean timedOut) {
    sql.update("UPDATE log_outbox SET claimed_by_job = NULL, claim_token = NULL, claim_until = NULL"
        + (timedOut ? ", timeouts = timeouts + 1" : "") + " WHERE claim_token = ?", token);
  }

  @Override
  public void registerSpool(String host, String file) {
    try {
      sql.inTransaction(tx -> {
        if (tx.query("SELECT 1 FROM log_outbox WHERE host = ? AND spool_file = ?", rs -> 1, host, file).isEmpty()) {
          tx.update("INSERT INTO log_outbox (kind, host, spool_file) VALUES ('component',?,?)", host, file);
        }
        return null;
      });
    } catch (StorageException e) {
      if (!(e.getCause() instanceof SQLException s && Sql.isUniqueViolation(s))) {
        throw e; // else another process registered it first
      }
    }
  }

  @Override
  public Set<String> spools(String host) {
    return new HashSet<>(sql.query("SELECT spool_file FROM log_outbox WHERE host = ? AND spool_file IS NOT NULL",
        rs -> rs.getString(1), host));
  }

  @Override
  public List<Entry> pending(String host) {
    return sql.query(ENTRIES + " WHERE o.host = ? ORDER BY o.id", this::map, host);
  }
}
