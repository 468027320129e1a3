package io.contrail.storage;

import io.contrail.api.CallbackKind;
import io.contrail.run.CallbackRequest;
import io.contrail.run.RunKey;
import io.contrail.run.TraceContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@link CallbackStore} on the metadata database. Pending rows are found through the index on
 * done_at, so the cost of a claim follows the callbacks waiting, not the history; each candidate is
 * then claimed by its own conditional UPDATE, which only one process can win.
 */
final class JdbcCallbackStore implements CallbackStore {
  private static final String COLUMNS = "id, dag_id, run_id, task_id, try_number, kind, state, error, trace_id,"
      + " span_id, trace_flags, requested_at";
  private static final String INSERT = "INSERT INTO callback_request (dag_id, run_id, task_id, try_number, kind,"
      + " state, error, trace_id, span_id, trace_flags, requested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
  private static final String CLAIMABLE = "done_at IS NULL AND (claim_until IS NULL OR claim_until < ?)";

  private final Sql sql;

  JdbcCallbackStore(Sql sql) {
    this.sql = sql;
  }

  /** Records callbacks in the transaction of the state change that calls for them. */
  static void insert(Sql.Tx tx, List<CallbackRequest> callbacks) throws SQLException {
    if (callbacks.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>();
    for (CallbackRequest c : callbacks) {
      rows.add(new Object[] {c.run().dagId(), c.run().runId(), c.taskId(), c.tryNumber(), c.kind().id(), c.state(),
          JdbcDagStore.truncate(c.error(), 100_000), c.concerns().traceId(), c.concerns().spanId(),
          c.concerns().flags(), c.requestedAt()});
    }
    tx.batch(INSERT, rows);
  }

  @Override
  public List<Claimed> claim(String token, int limit, Instant now, Duration lease) {
    return sql.inTransaction(tx -> {
      List<Claimed> candidates = tx.query("SELECT " + COLUMNS + " FROM callback_request WHERE " + CLAIMABLE
          + " ORDER BY id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", JdbcCallbackStore::map, now);
      List<Claimed> won = new ArrayList<>();
      for (Claimed c : candidates) {
        if (tx.update("UPDATE callback_request SET claimed_by = ?, claim_until = ?, started_at = ? WHERE id = ? AND "
            + CLAIMABLE, token, now.plus(lease), now, c.id(), now) == 1) {
          won.add(c);
        }
      }
      return won;
    });
  }

  @Override
  public boolean finished(long id, String token, String outcome, Instant now) {
    return sql.update("UPDATE callback_request SET done_at = ?, outcome = ?, claim_until = NULL WHERE id = ?"
        + " AND claimed_by = ? AND done_at IS NULL", now, outcome, id, token) == 1;
  }

  @Override
  public int pending(Collection<RunKey> runs) {
    int total = 0;
    for (RunKey key : runs) {
      total += sql.queryOne("SELECT COUNT(*) FROM callback_request WHERE done_at IS NULL AND dag_id = ? AND run_id = ?",
          rs -> rs.getInt(1), key.dagId(), key.runId()).orElse(0);
    }
    return total;
  }

  private static Claimed map(ResultSet rs) throws SQLException {
    CallbackRequest request = new CallbackRequest(CallbackKind.parse(rs.getString("kind")),
        new RunKey(rs.getString("dag_id"), rs.getString("run_id")), rs.getString("task_id"), rs.getInt("try_number"),
        rs.getString("state"), rs.getString("error"),
        new TraceContext(rs.getString("trace_id"), rs.getString("span_id"), rs.getInt("trace_flags")),
        Sql.instant(rs, "requested_at"));
    return new Claimed(rs.getLong("id"), request);
  }
}
