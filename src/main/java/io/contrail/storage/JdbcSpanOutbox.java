package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * {@link SpanOutbox} on the span_outbox table (see V22__span_outbox_table.sql for the plans). A
 * claim selects the first claimable ids in primary-key order with {@code FOR UPDATE SKIP LOCKED}
 * and stamps them in the same transaction, so two processes claiming at once get disjoint batches
 * without waiting for each other; the rows are then read joined to their run, task instance or
 * attempt by primary key.
 */
final class JdbcSpanOutbox implements SpanOutbox {
  static final String INSERT = "INSERT INTO span_outbox (kind, dag_id, run_id, task_id, try_number) VALUES (?,?,?,?,?)";
  private static final String FINISHED_RUN = "('success','failed')";
  private static final String FINISHED_TASK = "('success','failed','upstream_failed','skipped')";

  private final Sql sql;
  private final JdbcSpanResources resources;

  JdbcSpanOutbox(Sql sql, JdbcSpanResources resources) {
    this.sql = sql;
    this.resources = resources;
  }

  /** The outbox row of a finished run. */
  static Object[] runRow(DagRun run) {
    return new Object[] {"run", run.dagId(), run.runId(), null, Sql.integer(null)};
  }

  static Object[] taskRow(TaskInstance ti) {
    return new Object[] {"task", ti.dagId(), ti.runId(), ti.taskId(), Sql.integer(null)};
  }

  static Object[] attemptRow(TaskAttempt at) {
    return new Object[] {"attempt", at.dagId(), at.runId(), at.taskId(), at.tryNumber()};
  }

  /** What a claim took: how many rows, their most timeouts, and which kinds of span (the loads of others are skipped). */
  private record Claimed(int rows, int timeouts, Set<String> kinds) {}

  /** The first claimable rows, in id order; locked rows are another claim's: skipped. */
  static String claimSql(int limit) {
    return "SELECT id, timeouts, kind FROM span_outbox WHERE claim_until IS NULL OR claim_until < ? ORDER BY id"
        + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY FOR UPDATE SKIP LOCKED";
  }

  static final String STAMP = "UPDATE span_outbox SET claimed_by_job = ?, claim_token = ?, claim_until = ? WHERE id = ?";
  static final String LOAD_RUNS = loadSql("dag_run", "r", JdbcRunStore.RUN_COLUMNS, "run",
      "r.dag_id = o.dag_id AND r.run_id = o.run_id");
  static final String LOAD_TASKS = loadSql("task_instance", "t", JdbcRunStore.TI_COLUMNS, "task",
      "t.dag_id = o.dag_id AND t.run_id = o.run_id AND t.task_id = o.task_id");
  static final String LOAD_ATTEMPTS = loadSql("task_instance_history", "h", JdbcRunStore.ATTEMPT_COLUMNS, "attempt",
      "h.dag_id = o.dag_id AND h.run_id = o.run_id AND h.task_id = o.task_id AND h.try_number = o.try_number");
  /** Kept spans (run segments and task_run spans a clear or mark replaced), see V70__run_operations.sql. */
  static final String LOAD_RUN_SEGMENTS = JdbcSegments.RUN_SEGMENT_SELECT + " JOIN span_outbox o ON o.dag_id = s.dag_id"
      + " AND o.run_id = s.run_id AND o.span_id = s.span_id WHERE o.claim_token = ? AND o.kind = 'run_seg' ORDER BY o.id";
  static final String LOAD_TASK_SEGMENTS = loadSql("task_run_segment", "s", JdbcSegments.TASK_SEGMENT_COLUMNS,
      "task_seg", "s.dag_id = o.dag_id AND s.run_id = o.run_id AND s.task_id = o.task_id AND s.span_id = o.span_id");
  static final String DELETE = "DELETE FROM span_outbox WHERE claim_token = ?";

  /** The claimed rows of one kind joined to their table by primary key, in outbox order. */
  private static String loadSql(String table, String alias, String columns, String kind, String join) {
    String select = Arrays.stream(columns.split(",")).map(c -> alias + "." + c.strip()).collect(Collectors.joining(", "));
    return "SELECT " + select + ", " + alias + ".span_resource_id FROM span_outbox o JOIN " + table + " " + alias
        + " ON " + join + " WHERE o.claim_token = ? AND o.kind = '" + kind + "' ORDER BY o.id";
  }

  static String releaseSql(boolean timedOut) {
    return "UPDATE span_outbox SET claimed_by_job = NULL, claim_token = NULL, claim_until = NULL"
        + (timedOut ? ", timeouts = timeouts + 1" : "") + " WHERE claim_token = ?";
  }

  @Override
  public Batch claim(Long jobId, String token, int limit, Instant now, IntFunction<Duration> lease) {
    Claimed claimed = sql.inTransaction(tx -> {
      List<Object[]> rows = tx.query(claimSql(limit), rs -> new Object[] {rs.getLong(1), rs.getInt(2), rs.getString(3)},
          now);
      if (rows.isEmpty()) {
        return new Claimed(0, 0, Set.of());
      }
      int timeouts = rows.stream().mapToInt(r -> (Integer) r[1]).max().orElse(0);
      Instant until = now.plus(lease.apply(timeouts));
      List<Object[]> stamps = new ArrayList<>(rows.size());
      Set<String> kinds = new HashSet<>();
      for (Object[] r : rows) {
        stamps.add(new Object[] {Sql.num(jobId), token, until, r[0]});
        kinds.add((String) r[2]);
      }
      tx.batch(STAMP, stamps);
      return new Claimed(rows.size(), timeouts, kinds);
    });
    if (claimed.rows() == 0) {
      return Batch.empty(token);
    }
    // a batch is mostly tasks and attempts: a kind it holds none of costs no query
    List<Stored<DagRun>> runs = new ArrayList<>(load(claimed, "run", LOAD_RUNS, token, JdbcRunStore::mapRun,
        run -> run.key().toString()));
    runs.addAll(load(claimed, "run_seg", LOAD_RUN_SEGMENTS, token, JdbcSegments::mapRunSegment,
        run -> run.key() + "@" + run.trace().currentSpanId()));
    List<Stored<TaskInstance>> tasks = new ArrayList<>(load(claimed, "task", LOAD_TASKS, token, JdbcRunStore::mapTi,
        ti -> ti.key().toString()));
    tasks.addAll(load(claimed, "task_seg", LOAD_TASK_SEGMENTS, token, JdbcSegments::mapTaskSegment,
        ti -> ti.key() + "@" + ti.trace().spanId()));
    List<Stored<TaskAttempt>> attempts = load(claimed, "attempt", LOAD_ATTEMPTS, token, JdbcRunStore::mapAttempt,
        at -> at.key() + "#" + at.tryNumber());
    return new Batch(token, claimed.rows(), claimed.timeouts(), runs, tasks, attempts);
  }

  /** Claimed rows of one kind; a span queued twice (the first-start history racing a live finish) comes once. */
  private <T> List<Stored<T>> load(Claimed claimed, String kind, String query, String token, Sql.RowMapper<T> mapper,
      Function<T, String> identity) {
    if (!claimed.kinds().contains(kind)) {
      return List.of();
    }
    List<Stored<T>> rows = sql.query(query, rs -> new Stored<>(mapper.map(rs), Sql.nullableLong(rs, "span_resource_id")),
        token);
    Map<String, Stored<T>> unique = new LinkedHashMap<>();
    rows.forEach(r -> unique.putIfAbsent(identity.apply(r.row()), r));
    return List.copyOf(unique.values());
  }

  @Override
  public Batch finishedRows(RunKey key) {
    String where = " WHERE dag_id = ? AND run_id = ? AND state IN ";
    // kept spans first: they ended before the live rows' spans
    List<Stored<DagRun>> runs = new ArrayList<>(sql.query(JdbcSegments.RUN_SEGMENT_SELECT
        + " WHERE s.dag_id = ? AND s.run_id = ? ORDER BY s.queued_at, s.clear_number",
        rs -> new Stored<>(JdbcSegments.mapRunSegment(rs), Sql.nullableLong(rs, "span_resource_id")),
        key.dagId(), key.runId()));
    runs.addAll(sql.query("SELECT " + JdbcRunStore.RUN_COLUMNS + ", span_resource_id FROM dag_run"
        + where + FINISHED_RUN, rs -> new Stored<>(JdbcRunStore.mapRun(rs), Sql.nullableLong(rs, "span_resource_id")),
        key.dagId(), key.runId()));
    List<Stored<TaskInstance>> tasks = new ArrayList<>(sql.query("SELECT " + JdbcSegments.TASK_SEGMENT_COLUMNS
        + ", span_resource_id FROM task_run_segment WHERE dag_id = ? AND run_id = ? ORDER BY task_id, end_date",
        rs -> new Stored<>(JdbcSegments.mapTaskSegment(rs), Sql.nullableLong(rs, "span_resource_id")),
        key.dagId(), key.runId()));
    tasks.addAll(sql.query("SELECT " + JdbcRunStore.TI_COLUMNS + ", span_resource_id FROM task_instance"
        + where + FINISHED_TASK + " ORDER BY task_id",
        rs -> new Stored<>(JdbcRunStore.mapTi(rs), Sql.nullableLong(rs, "span_resource_id")), key.dagId(), key.runId()));
    List<Stored<TaskAttempt>> attempts = sql.query("SELECT " + JdbcRunStore.ATTEMPT_COLUMNS + ", span_resource_id"
        + " FROM task_instance_history" + where + FINISHED_RUN + " AND end_date IS NOT NULL ORDER BY task_id, try_number",
        rs -> new Stored<>(JdbcRunStore.mapAttempt(rs), Sql.nullableLong(rs, "span_resource_id")), key.dagId(), key.runId());
    return new Batch(null, 0, 0, runs, tasks, attempts);
  }

  @Override
  public int claimedUnder(String token) {
    return sql.queryOne("SELECT COUNT(*) FROM span_outbox WHERE claim_token = ?", rs -> rs.getInt(1), token).orElse(0);
  }

  @Override
  public void delete(String token) {
    sql.update(DELETE, token);
  }

  @Override
  public void release(String token, boolean timedOut) {
    sql.update(releaseSql(timedOut), token);
  }

  @Override
  public long pending() {
    return sql.queryOne("SELECT COUNT(*) FROM span_outbox", rs -> rs.getLong(1)).orElse(0L);
  }

  @Override
  public Optional<String> resource(long id) {
    return resources.find(id);
  }

  @Override
  public boolean startExporting(Instant now, Instant history) {
    try {
      return sql.inTransaction(tx -> {
        if (!tx.query("SELECT 1 FROM span_export_start WHERE id = 1", rs -> 1).isEmpty()) {
          return false;
        }
        tx.update("INSERT INTO span_export_start (id, started_at) VALUES (1, ?)", now);
        // runs in progress now belong to the traced era: what of them already finished is queued
        // too, so their traces have no holes; with history, so are the runs queued since then
        String runs = "r.state IN ('queued','running')" + (history == null ? "" : " OR r.queued_at >= ?");
        Object[] args = history == null ? new Object[0] : new Object[] {history};
        String sampled = " AND MOD(r.trace_flags, 2) = 1 AND (" + runs + ")";
        tx.update("INSERT INTO span_outbox (kind, dag_id, run_id) SELECT 'run', r.dag_id, r.run_id FROM dag_run r"
            + " WHERE r.state IN " + FINISHED_RUN + sampled + " ORDER BY r.end_date", args);
        tx.update("INSERT INTO span_outbox (kind, dag_id, run_id, task_id) SELECT 'task', t.dag_id, t.run_id, t.task_id"
            + " FROM task_instance t JOIN dag_run r ON r.dag_id = t.dag_id AND r.run_id = t.run_id"
            + " WHERE t.state IN " + FINISHED_TASK + sampled + " ORDER BY t.end_date", args);
        tx.update("INSERT INTO span_outbox (kind, dag_id, run_id, task_id, try_number)"
            + " SELECT 'attempt', h.dag_id, h.run_id, h.task_id, h.try_number FROM task_instance_history h"
            + " JOIN dag_run r ON r.dag_id = h.dag_id AND r.run_id = h.run_id"
            + " WHERE h.state IN " + FINISHED_RUN + " AND h.end_date IS NOT NULL" + sampled + " ORDER BY h.end_date", args);
        // and the spans clears and marks kept of those runs
        tx.update("INSERT INTO span_outbox (kind, dag_id, run_id, span_id) SELECT 'run_seg', s.dag_id, s.run_id, s.span_id"
            + " FROM dag_run_segment s JOIN dag_run r ON r.dag_id = s.dag_id AND r.run_id = s.run_id"
            + " WHERE 1 = 1" + sampled + " ORDER BY s.end_date", args);
        tx.update("INSERT INTO span_outbox (kind, dag_id, run_id, task_id, span_id)"
            + " SELECT 'task_seg', s.dag_id, s.run_id, s.task_id, s.span_id FROM task_run_segment s"
            + " JOIN dag_run r ON r.dag_id = s.dag_id AND r.run_id = s.run_id"
            + " WHERE 1 = 1" + sampled + " ORDER BY s.end_date", args);
        return true;
      });
    } catch (StorageException e) {
      if (e.getCause() instanceof SQLException s && Sql.isUniqueViolation(s)) {
        return false; // another process recorded the start first
      }
      throw e;
    }
  }
}
