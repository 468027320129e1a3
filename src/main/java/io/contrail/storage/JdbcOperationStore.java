package io.contrail.storage;

import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskTimes;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link OperationStore} on the metadata database. */
final class JdbcOperationStore implements OperationStore {
  private static final String UPDATE_RUN = "UPDATE dag_run SET state = ?, queued_at = ?, start_date = ?,"
      + " end_date = ?, clear_number = ?, segment_span_id = ?, revision = revision + 1,"
      + " deadline_at = CASE WHEN ? THEN NULL WHEN ? THEN ? ELSE deadline_at END,"
      + " deadline_missed_at = CASE WHEN ? THEN NULL ELSE deadline_missed_at END,"
      + " span_resource_id = COALESCE(?, span_resource_id)"
      + " WHERE dag_id = ? AND run_id = ? AND state = ? AND revision = ?";
  private static final String UPDATE_TI = "UPDATE task_instance SET state = ?, try_number = ?, max_tries = ?,"
      + " scheduled_at = ?, queued_at = ?, start_date = ?, end_date = ?, next_retry_at = ?, hostname = ?, pid = ?,"
      + " job_id = ?, process_started_at = ?, span_id = ?, attempt_span_id = ?, parent_span_id = ?,"
      + " previous_span_id = ?, handbacks = ?, span_resource_id = COALESCE(?, span_resource_id)"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = ? AND try_number = ?"
      + " AND job_id IS NOT DISTINCT FROM ?";

  /** A compare-and-set of the change lost: the transaction is rolled back. */
  private static final class Lost extends RuntimeException {
    Lost() {
      super(null, null, false, false);
    }
  }

  private final Sql sql;
  private final SpanRecorder recorder;

  JdbcOperationStore(Sql sql, SpanRecorder recorder) {
    this.sql = sql;
    this.recorder = recorder;
  }

  @Override
  public boolean apply(RunChange change) {
    Long resource = recorder.resourceId();
    try {
      return sql.inTransaction(tx -> {
        writeRun(tx, change, resource);
        for (TaskChange t : change.tasks()) {
          writeTask(tx, t, change.at(), resource);
        }
        List<Object[]> events = new ArrayList<>();
        change.events().forEach(e -> events.add(JdbcSegments.eventValues(e)));
        tx.batch("INSERT INTO span_event (" + JdbcSegments.EVENT_COLUMNS + ") VALUES (?,?,?,?,?,?)", events);
        return true;
      });
    } catch (Lost e) {
      return false;
    }
  }

  /**
   * The run's change. A new segment keeps the current one first: a finished segment's waiting
   * outbox row moves to the kept span (none waits when its span was exported), one that had not
   * finished gets a row now, as it ends here. The run's own row enters the outbox when the change
   * finishes it (or finishes a new segment of it).
   */
  private void writeRun(Sql.Tx tx, RunChange change, Long resource) throws SQLException {
    DagRun before = change.before();
    DagRun after = change.after();
    boolean newSegment = after.opensSegmentAfter(before);
    if (newSegment) {
      require(tx.update(JdbcSegments.ARCHIVE_RUN, change.at(), before.dagId(), before.runId(), before.state().id(),
          before.revision()));
      String kept = before.trace().currentSpanId();
      if (before.state().isFinished()) {
        tx.update(JdbcSegments.MOVE_RUN_OUTBOX, kept, before.dagId(), before.runId());
      } else if (recorder.on() && before.sampled()) {
        tx.update("UPDATE dag_run_segment SET span_resource_id = ? WHERE dag_id = ? AND run_id = ? AND span_id = ?",
            Sql.num(resource), before.dagId(), before.runId(), kept);
        tx.update(JdbcSegments.INSERT_OUTBOX, "run_seg", before.dagId(), before.runId(), null, kept);
      }
    }
    boolean finished = after.state().isFinished();
    boolean record = recorder.records(after) && (newSegment || !before.state().isFinished());
    boolean rearm = change.deadlineAt() != null;
    require(tx.update(UPDATE_RUN, after.state().id(), after.times().queuedAt(), Sql.ts(after.times().startDate()),
        Sql.ts(after.times().endDate()), after.trace().segment().clearNumber(), after.trace().segment().spanId(),
        finished, rearm, Sql.ts(change.deadlineAt()), rearm, Sql.num(record ? resource : null),
        before.dagId(), before.runId(), before.state().id(), before.revision()));
    if (record) {
      tx.update(JdbcSpanOutbox.INSERT, JdbcSpanOutbox.runRow(after));
    }
  }

  /** A task instance's change; its task_run span is kept and queued for export as a run segment is. */
  private void writeTask(Sql.Tx tx, TaskChange change, Instant at, Long resource) throws SQLException {
    TaskInstance before = change.before();
    TaskInstance after = change.after();
    boolean newSpan = after.hasNewSpanAfter(before);
    if (newSpan && before.state() != io.contrail.run.TaskState.NONE) {
      require(tx.update(JdbcSegments.ARCHIVE_TASK, at, before.dagId(), before.runId(), before.taskId(),
          before.state().id(), before.tryNumber()));
      String kept = before.trace().spanId();
      if (before.state().isFinished()) {
        tx.update(JdbcSegments.MOVE_TASK_OUTBOX, kept, before.dagId(), before.runId(), before.taskId());
      } else if (recorder.on() && before.trace().sampled()) {
        tx.update("UPDATE task_run_segment SET span_resource_id = ? WHERE dag_id = ? AND run_id = ? AND task_id = ?"
            + " AND span_id = ?", Sql.num(resource), before.dagId(), before.runId(), before.taskId(), kept);
        tx.update(JdbcSegments.INSERT_OUTBOX, "task_seg", before.dagId(), before.runId(), before.taskId(), kept);
      }
    }
    boolean record = recorder.records(after) && (newSpan || !before.state().isFinished());
    TaskTimes t = after.times();
    require(tx.update(UPDATE_TI, after.state().id(), after.tryNumber(), after.tries().max(), Sql.ts(t.scheduledAt()),
        Sql.ts(t.queuedAt()), Sql.ts(t.startDate()), Sql.ts(t.endDate()), Sql.ts(t.nextRetryAt()),
        after.lease().hostname(), Sql.num(after.lease().pid()), Sql.num(after.lease().jobId()),
        Sql.ts(JdbcRunStore.processStart(after.lease())), after.trace().spanId(), after.trace().attemptSpanId(), after.trace().parentSpanId(),
        after.trace().previousSpanId(), after.tries().handbacks(), Sql.num(record ? resource : null),
        before.dagId(), before.runId(), before.taskId(), before.state().id(), before.tryNumber(),
        Sql.num(before.lease().jobId())));
    if (record) {
      tx.update(JdbcSpanOutbox.INSERT, JdbcSpanOutbox.taskRow(after));
    }
    TaskAttempt attempt = change.attempt();
    if (attempt != null) {
      boolean ended = recorder.on() && after.trace().sampled() && attempt.state().isFinished()
          && attempt.endDate() != null;
      JdbcRunStore.upsertAttempt(tx, attempt, ended ? resource : null);
      if (ended) {
        tx.update(JdbcSpanOutbox.INSERT, JdbcSpanOutbox.attemptRow(attempt));
      }
    }
    JdbcCallbackStore.insert(tx, change.callbacks());
  }

  private static void require(int updated) {
    if (updated != 1) {
      throw new Lost();
    }
  }

  @Override
  public boolean deleteRun(DagRun run) {
    return sql.update("DELETE FROM dag_run WHERE dag_id = ? AND run_id = ? AND state = ?", run.dagId(), run.runId(),
        run.state().id()) == 1;
  }

  @Override
  public DagDeletion deleteDag(String dagId) {
    return sql.inTransaction(tx -> {
      if (!tx.query("SELECT 1 FROM task_instance WHERE dag_id = ? AND state IN ('running', 'restarting')"
          + " FETCH FIRST 1 ROWS ONLY", rs -> 1, dagId).isEmpty()) {
        return new DagDeletion(false, 0);
      }
      int runs = tx.update("DELETE FROM dag_run WHERE dag_id = ?", dagId);
      tx.update("DELETE FROM import_error WHERE filename IN (SELECT fileloc FROM dag WHERE dag_id = ?)", dagId);
      tx.update("DELETE FROM dag WHERE dag_id = ?", dagId);
      // the folder's fingerprint no longer describes the DAG table: the next sync parses, and the
      // DAG comes back while its file is there
      tx.update("DELETE FROM dag_folder_sync");
      return new DagDeletion(true, runs);
    });
  }

  @Override
  public List<DagRun> runsBetween(String dagId, Instant from, Instant to) {
    return sql.query("SELECT " + JdbcRunStore.RUN_COLUMNS + " FROM dag_run WHERE dag_id = ?"
            + " AND logical_date >= ? AND logical_date <= ? ORDER BY logical_date, run_id", JdbcRunStore::mapRun,
        dagId, from == null ? Instant.EPOCH : from, to == null ? Instant.parse("9999-12-31T00:00:00Z") : to);
  }

  @Override
  public List<DagRun> dueDeadlines(Instant now, int limit) {
    return sql.query("SELECT " + JdbcRunStore.RUN_COLUMNS + " FROM dag_run WHERE deadline_at <= ?"
        + " AND state IN ('queued', 'running') ORDER BY deadline_at FETCH FIRST " + Math.max(1, limit)
        + " ROWS ONLY", JdbcRunStore::mapRun, now);
  }

  @Override
  public boolean deadlineMissed(DagRun run, Instant now, SpanEvent event, List<CallbackRequest> callbacks) {
    return sql.inTransaction(tx -> {
      if (tx.update("UPDATE dag_run SET deadline_at = NULL, deadline_missed_at = ? WHERE dag_id = ? AND run_id = ?"
          + " AND deadline_at IS NOT NULL AND deadline_at <= ?", now, run.dagId(), run.runId(), now) != 1) {
        return false;
      }
      tx.update("INSERT INTO span_event (" + JdbcSegments.EVENT_COLUMNS + ") VALUES (?,?,?,?,?,?)",
          JdbcSegments.eventValues(event));
      JdbcCallbackStore.insert(tx, callbacks);
      return true;
    });
  }
}
