package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link SpanOutbox} on the metadata database. The claim is one conditional UPDATE per table,
 * re-checking "unexported and unclaimed (or lease over)" on the rows it writes, so of two
 * processes claiming at once each row goes to exactly one (on PostgreSQL the second UPDATE
 * re-evaluates the condition after the first commits; H2 locks the rows likewise).
 */
final class JdbcSpanOutbox implements SpanOutbox {
  private static final String RUN_DONE = "state IN ('success','failed') AND MOD(trace_flags, 2) = 1";
  private static final String TI_DONE =
      "state IN ('success','failed','upstream_failed','skipped') AND MOD(trace_flags, 2) = 1";
  // attempts have no trace flags of their own: they follow their task instance's
  private static final String ATTEMPT_DONE = "state IN ('success','failed') AND end_date IS NOT NULL"
      + " AND EXISTS (SELECT 1 FROM task_instance ti WHERE ti.dag_id = task_instance_history.dag_id"
      + " AND ti.run_id = task_instance_history.run_id AND ti.task_id = task_instance_history.task_id"
      + " AND MOD(ti.trace_flags, 2) = 1)";
  // spans a clear or mark kept are final by definition; their trace flags are their run's
  private static final String KEPT_DONE = "MOD(trace_flags, 2) = 1";
  private static final List<String> TABLES = List.of("dag_run", "task_instance", "task_instance_history",
      "dag_run_segment", "task_run_segment");
  private static final String CLAIMABLE = " AND span_exported_at IS NULL AND (span_claim_until IS NULL OR span_claim_until < ?)";

  private final Sql sql;

  JdbcSpanOutbox(Sql sql) {
    this.sql = sql;
  }

  @Override
  public Batch claim(String token, int limit, Instant now, Duration lease) {
    Instant until = now.plus(lease);
    claim("dag_run", "dag_id, run_id", RUN_DONE, "end_date", token, until, now, limit);
    claim("task_instance", "dag_id, run_id, task_id", TI_DONE, "end_date", token, until, now, limit);
    claim("task_instance_history", "dag_id, run_id, task_id, try_number", ATTEMPT_DONE, "end_date",
        token, until, now, limit);
    claim("dag_run_segment", "dag_id, run_id, span_id", KEPT_DONE, "end_date", token, until, now, limit);
    claim("task_run_segment", "dag_id, run_id, task_id, span_id", KEPT_DONE, "end_date", token, until, now, limit);
    List<DagRun> runs = new java.util.ArrayList<>(sql.query("SELECT " + JdbcRunStore.RUN_COLUMNS
        + " FROM dag_run WHERE span_claimed_by = ?", JdbcRunStore::mapRun, token));
    runs.addAll(sql.query(JdbcSegments.RUN_SEGMENT_SELECT + " WHERE s.span_claimed_by = ?",
        JdbcSegments::mapRunSegment, token));
    List<TaskInstance> tasks = new java.util.ArrayList<>(sql.query("SELECT " + JdbcRunStore.TI_COLUMNS
        + " FROM task_instance WHERE span_claimed_by = ?", JdbcRunStore::mapTi, token));
    tasks.addAll(sql.query("SELECT " + JdbcSegments.TASK_SEGMENT_COLUMNS + " FROM task_run_segment"
        + " WHERE span_claimed_by = ?", JdbcSegments::mapTaskSegment, token));
    List<TaskAttempt> attempts = sql.query("SELECT " + JdbcRunStore.ATTEMPT_COLUMNS
        + " FROM task_instance_history WHERE span_claimed_by = ?", JdbcRunStore::mapAttempt, token);
    return new Batch(token, runs, tasks, attempts);
  }

  private void claim(String table, String key, String done, String order, String token, Instant until,
      Instant now, int limit) {
    sql.update("UPDATE " + table + " SET span_claimed_by = ?, span_claim_until = ? WHERE " + done + CLAIMABLE
        + " AND (" + key + ") IN (SELECT " + key + " FROM " + table + " WHERE " + done + CLAIMABLE
        + " ORDER BY " + order + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY)",
        token, until, now, now);
  }

  @Override
  public void markExported(String token, Instant now) {
    sql.inTransaction(tx -> {
      for (String table : TABLES) {
        tx.update("UPDATE " + table + " SET span_exported_at = ?, span_claimed_by = NULL, span_claim_until = NULL"
            + " WHERE span_claimed_by = ?", now, token);
      }
      return null;
    });
  }

  @Override
  public void release(String token) {
    sql.inTransaction(tx -> {
      for (String table : TABLES) {
        tx.update("UPDATE " + table + " SET span_claimed_by = NULL, span_claim_until = NULL WHERE span_claimed_by = ?",
            token);
      }
      return null;
    });
  }

  @Override
  public long pending() {
    return sql.queryOne("SELECT (SELECT COUNT(*) FROM dag_run WHERE " + RUN_DONE + " AND span_exported_at IS NULL)"
        + " + (SELECT COUNT(*) FROM task_instance WHERE " + TI_DONE + " AND span_exported_at IS NULL)"
        + " + (SELECT COUNT(*) FROM task_instance_history WHERE " + ATTEMPT_DONE + " AND span_exported_at IS NULL)"
        + " + (SELECT COUNT(*) FROM dag_run_segment WHERE " + KEPT_DONE + " AND span_exported_at IS NULL)"
        + " + (SELECT COUNT(*) FROM task_run_segment WHERE " + KEPT_DONE + " AND span_exported_at IS NULL)",
        rs -> rs.getLong(1)).orElse(0L);
  }
}
