package io.contrail.storage;

import io.contrail.run.AttemptStatus;
import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.Lease;
import io.contrail.run.Placement;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.RunKey;
import io.contrail.run.RunOrigin;
import io.contrail.run.RunSegment;
import io.contrail.run.RunSpec;
import io.contrail.run.RunState;
import io.contrail.run.RunTimes;
import io.contrail.run.RunTrace;
import io.contrail.run.RunType;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskProfile;
import io.contrail.run.TaskState;
import io.contrail.run.TaskTimes;
import io.contrail.run.TaskTrace;
import io.contrail.run.TraceContext;
import io.contrail.run.Tries;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link RunStore} on the metadata database (H2 or PostgreSQL). */
final class JdbcRunStore implements RunStore {
  static final String RUN_COLUMNS = "dag_id, run_id, run_type, state, logical_date,"
      + " data_interval_start, data_interval_end, conf, queued_at, start_date, end_date, trace_id,"
      + " span_id, parent_span_id, trace_flags, creator_trace_id, creator_span_id, clear_number, segment_span_id,"
      + " revision, run_after, triggered_by, triggering_user_name, note, logical_date_given";
  static final String TI_COLUMNS = "dag_id, run_id, task_id, state, try_number, max_tries,"
      + " task_type, pool, pool_slots, priority_weight, scheduled_at, queued_at, start_date, end_date,"
      + " next_retry_at, hostname, pid, job_id, span_id, attempt_span_id, trace_flags, process_started_at,"
      + " parent_span_id, previous_span_id, handbacks, queue";
  static final String ATTEMPT_COLUMNS = "dag_id, run_id, task_id, try_number, state,"
      + " start_date, end_date, hostname, pid, exit_code, error, executor, span_id, task_span_id, job_id";

  private final Sql sql;
  private final SpanRecorder recorder;

  JdbcRunStore(Sql sql, SpanRecorder recorder) {
    this.sql = sql;
    this.recorder = recorder;
  }

  private Long resourceId() {
    return recorder.resourceId();
  }

  private boolean records(DagRun run) {
    return recorder.records(run);
  }

  private boolean records(TaskInstance ti) {
    return recorder.records(ti);
  }

  private boolean records(TaskChange change) {
    return recorder.records(change);
  }

  @Override
  public boolean createRun(DagRun run, List<TaskInstance> taskInstances) {
    return createRun(run, taskInstances, null);
  }

  @Override
  public boolean createRun(DagRun run, List<TaskInstance> taskInstances, Instant deadlineAt) {
    try {
      return sql.inTransaction(tx -> {
        if (!tx.query("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?", rs -> 1,
            run.dagId(), run.runId()).isEmpty()) {
          return false;
        }
        insertRun(tx, run, deadlineAt);
        List<Object[]> rows = new ArrayList<>();
        for (TaskInstance ti : taskInstances) {
          rows.add(tiValues(ti));
        }
        tx.batch("INSERT INTO task_instance (" + TI_COLUMNS + ") VALUES (" + marks(26) + ")", rows);
        return true;
      });
    } catch (RunIdTaken e) {
      return false;
    }
  }

  /** Another process inserted the same run between our check and our insert. */
  private static final class RunIdTaken extends RuntimeException {
    RunIdTaken() {
      super(null, null, false, false);
    }
  }

  /** {@code n} comma-separated bind markers. */
  static String marks(int n) {
    return String.join(",", java.util.Collections.nCopies(n, "?"));
  }

  private static void insertRun(Sql.Tx tx, DagRun run, Instant deadlineAt) throws SQLException {
    try {
      RunSpec spec = run.spec();
      RunTimes times = run.times();
      RunTrace trace = run.trace();
      TraceContext creator = trace.createdBy();
      RunOrigin origin = spec.origin();
      tx.update("INSERT INTO dag_run (" + RUN_COLUMNS + ", deadline_at) VALUES (" + marks(26) + ")",
          run.dagId(), run.runId(), spec.type().id(), run.state().id(), spec.logicalDate(),
          Sql.ts(spec.dataIntervalStart()), Sql.ts(spec.dataIntervalEnd()), spec.conf(), times.queuedAt(),
          Sql.ts(times.startDate()), Sql.ts(times.endDate()), trace.traceId(), trace.spanId(),
          trace.parentSpanId(), trace.flags(), creator == null ? null : creator.traceId(),
          creator == null ? null : creator.spanId(), trace.segment().clearNumber(), trace.segment().spanId(),
          run.revision(), run.runAfter(), origin.triggeredBy(), origin.user(), origin.note(), origin.logicalDateGiven(),
          Sql.ts(deadlineAt));
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        throw new RunIdTaken(); // rolls the transaction back in Sql.inTransaction
      }
      throw e;
    }
  }

  static Object[] tiValues(TaskInstance ti) {
    TaskProfile p = ti.profile();
    TaskTimes t = ti.times();
    return new Object[] {ti.dagId(), ti.runId(), ti.taskId(), ti.state().id(), ti.tryNumber(),
        ti.tries().max(), p.taskType(), p.pool(), p.poolSlots(), p.priorityWeight(),
        Sql.ts(t.scheduledAt()), Sql.ts(t.queuedAt()), Sql.ts(t.startDate()), Sql.ts(t.endDate()),
        Sql.ts(t.nextRetryAt()), ti.lease().hostname(), Sql.num(ti.lease().pid()), Sql.num(ti.lease().jobId()),
        ti.trace().spanId(), ti.trace().attemptSpanId(), ti.trace().flags(), Sql.ts(processStart(ti.lease())),
        ti.trace().parentSpanId(), ti.trace().previousSpanId(), ti.tries().handbacks(), p.queue()};
  }

  static Instant processStart(Lease lease) {
    return lease.process() == null ? null : lease.process().startedAt();
  }

  /** The writer's job must still be running: a job declared dead cannot change anything. */
  static final String WRITER_ALIVE = " AND (? < 0 OR EXISTS (SELECT 1 FROM job WHERE id = ? AND state = 'running'))";

  static long writer(Long job) {
    return job == null ? -1 : job;
  }

  @Override
  public Optional<DagRun> findRun(RunKey key) {
    return sql.queryOne("SELECT " + RUN_COLUMNS + " FROM dag_run WHERE dag_id = ? AND run_id = ?",
        JdbcRunStore::mapRun, key.dagId(), key.runId());
  }

  @Override
  public List<DagRun> listRuns(String dagId, int limit) {
    String where = dagId == null ? "" : " WHERE dag_id = ?";
    Object[] args = dagId == null ? new Object[0] : new Object[] {dagId};
    return sql.query("SELECT " + RUN_COLUMNS + " FROM dag_run" + where
        + " ORDER BY queued_at DESC, run_id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
        JdbcRunStore::mapRun, args);
  }

  @Override
  public List<DagRun> runsInState(RunState state) {
    return sql.query("SELECT " + RUN_COLUMNS + " FROM dag_run WHERE state = ? ORDER BY queued_at, run_id",
        JdbcRunStore::mapRun, state.id());
  }

  @Override
  public int countRuns(String dagId, RunState state) {
    return sql.queryOne("SELECT COUNT(*) FROM dag_run WHERE dag_id = ? AND state = ?",
        rs -> rs.getInt(1), dagId, state.id()).orElse(0);
  }

  @Override
  public Optional<Instant> latestLogicalDate(String dagId, Collection<RunType> types) {
    if (types.isEmpty()) {
      return Optional.empty(); // "IN ()" is a syntax error on PostgreSQL
    }
    String in = types.stream().map(t -> "'" + t.id() + "'").collect(Collectors.joining(","));
    return sql.queryOne("SELECT MAX(logical_date) AS d FROM dag_run WHERE dag_id = ? AND run_type IN (" + in + ")",
        rs -> Sql.instant(rs, "d"), dagId);
  }

  @Override
  public boolean runExists(String dagId, RunType type, Instant logicalDate) {
    return sql.queryOne("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_type = ? AND logical_date = ?",
        rs -> 1, dagId, type.id(), logicalDate).isPresent();
  }

  /** The state change and, for a finished sampled run, its outbox row: one transaction. */
  @Override
  public boolean transition(DagRun current, DagRun next, Long writer) {
    return transition(current, next, List.of(), writer);
  }

  /**
   * A finished run has no pending deadline any more; a user operation meanwhile (revision) wins,
   * and so does the fencing of a writer declared dead.
   */
  @Override
  public boolean transition(DagRun current, DagRun next, List<CallbackRequest> callbacks, Long writer) {
    long w = writer(writer);
    boolean record = records(next);
    Long resource = record ? resourceId() : null;
    return sql.inTransaction(tx -> {
      if (tx.update("UPDATE dag_run SET state = ?, start_date = ?, end_date = ?, span_resource_id = ?,"
              + " deadline_at = CASE WHEN ? THEN NULL ELSE deadline_at END"
              + " WHERE dag_id = ? AND run_id = ? AND state = ? AND revision = ?" + WRITER_ALIVE,
          next.state().id(), Sql.ts(next.times().startDate()), Sql.ts(next.times().endDate()), Sql.num(resource),
          next.state().isFinished(), current.dagId(), current.runId(), current.state().id(), current.revision(),
          w, w) != 1) {
        return false;
      }
      if (record) {
        tx.update(JdbcSpanOutbox.INSERT, JdbcSpanOutbox.runRow(next));
      }
      JdbcCallbackStore.insert(tx, callbacks);
      return true;
    });
  }

  @Override
  public List<TaskInstance> taskInstances(RunKey key) {
    return sql.query("SELECT " + TI_COLUMNS + " FROM task_instance WHERE dag_id = ? AND run_id = ? ORDER BY task_id",
        JdbcRunStore::mapTi, key.dagId(), key.runId());
  }

  @Override
  public Optional<TaskInstance> taskInstance(TaskInstanceKey key) {
    return sql.queryOne("SELECT " + TI_COLUMNS + " FROM task_instance WHERE dag_id = ? AND run_id = ? AND task_id = ?",
        JdbcRunStore::mapTi, key.dagId(), key.runId(), key.taskId());
  }

  @Override
  public List<TaskInstance> taskInstancesInStates(Collection<TaskState> states) {
    if (states.isEmpty()) {
      return List.of();
    }
    String in = states.stream().map(s -> "'" + s.id() + "'").collect(Collectors.joining(","));
    return sql.query("SELECT " + TI_COLUMNS + " FROM task_instance WHERE state IN (" + in + ")",
        JdbcRunStore::mapTi);
  }

  private static final String UPDATE_TI = "UPDATE task_instance SET state = ?, try_number = ?, max_tries = ?,"
      + " scheduled_at = ?, queued_at = ?, start_date = ?, end_date = ?, next_retry_at = ?,"
      + " hostname = ?, pid = ?, job_id = ?, attempt_span_id = ?, process_started_at = ?, handbacks = ?, span_resource_id = ?"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = ? AND try_number = ?"
      + " AND job_id IS NOT DISTINCT FROM ?" + WRITER_ALIVE;

  private Object[] updateValues(TaskChange change, Long resource) {
    TaskInstance current = change.before();
    TaskInstance next = change.after();
    TaskTimes t = next.times();
    return new Object[] {next.state().id(), next.tryNumber(), next.tries().max(), Sql.ts(t.scheduledAt()),
        Sql.ts(t.queuedAt()), Sql.ts(t.startDate()), Sql.ts(t.endDate()),
        Sql.ts(t.nextRetryAt()), next.lease().hostname(), Sql.num(next.lease().pid()),
        Sql.num(next.lease().jobId()), next.trace().attemptSpanId(), Sql.ts(processStart(next.lease())),
        next.tries().handbacks(), Sql.num(records(next) ? resource : null),
        current.dagId(), current.runId(), current.taskId(), current.state().id(), current.tryNumber(),
        Sql.num(current.lease().jobId()), writer(change.writer()), writer(change.writer())};
  }

  @Override
  public boolean update(TaskChange change) {
    Long resource = records(change) ? resourceId() : null;
    return sql.inTransaction(tx -> {
      if (tx.update(UPDATE_TI, updateValues(change, resource)) != 1) {
        return false;
      }
      if (change.attempt() != null) {
        upsertAttempt(tx, change.attempt(), SpanRecorder.attemptResource(change, resource));
      }
      JdbcCallbackStore.insert(tx, change.callbacks());
      tx.batch(JdbcSpanOutbox.INSERT, recorder.outboxRows(List.of(change)));
      tx.batch(JdbcLogOutbox.INSERT_ATTEMPT, logRows(List.of(change)));
      return true;
    });
  }

  /** Log outbox rows of applied changes: sampled tries that start running ([logs] otel_on). */
  private List<Object[]> logRows(List<TaskChange> applied) {
    if (!recorder.logs()) {
      return List.of();
    }
    List<Object[]> rows = new ArrayList<>();
    for (TaskChange c : applied) {
      TaskAttempt a = c.attempt();
      TaskInstance ti = c.after();
      if (a != null && a.endDate() == null && ti.state() == TaskState.RUNNING && c.before().state() != TaskState.RUNNING
          && ti.trace().sampled() && !ti.profile().writesNoLog()) {
        rows.add(new Object[] {ti.lease().hostname() == null ? "" : ti.lease().hostname(), ti.dagId(), ti.runId(),
            ti.taskId(), ti.tryNumber()});
      }
    }
    return rows;
  }

  /** One JDBC batch of compare-and-sets, then the attempts of the changes that won, in one transaction. */
  @Override
  public boolean[] updateAll(List<TaskChange> changes) {
    if (changes.isEmpty()) {
      return new boolean[0];
    }
    Long resource = changes.stream().anyMatch(this::records) ? resourceId() : null;
    return sql.inTransaction(tx -> {
      List<Object[]> rows = new ArrayList<>(changes.size());
      for (TaskChange c : changes) {
        rows.add(updateValues(c, resource));
      }
      int[] counts = tx.batchCounts(UPDATE_TI, rows);
      boolean[] applied = new boolean[counts.length];
      List<TaskChange> won = new ArrayList<>();
      List<TaskChange> written = new ArrayList<>();
      List<CallbackRequest> callbacks = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        applied[i] = counts[i] == 1;
        if (applied[i]) {
          won.add(changes.get(i));
          if (changes.get(i).attempt() != null) {
            written.add(changes.get(i));
          }
        }
        if (applied[i]) {
          callbacks.addAll(changes.get(i).callbacks());
        }
      }
      JdbcCallbackStore.insert(tx, callbacks);
      if (!written.isEmpty()) {
        List<Object[]> updates = new ArrayList<>();
        for (TaskChange c : written) {
          updates.add(attemptUpdateValues(c.attempt(), SpanRecorder.attemptResource(c, resource)));
        }
        int[] updated = tx.batchCounts(UPDATE_ATTEMPT, updates);
        List<Object[]> inserts = new ArrayList<>();
        for (int i = 0; i < updated.length; i++) {
          if (updated[i] == 0) {
            TaskChange c = written.get(i);
            inserts.add(attemptInsertValues(c.attempt(), SpanRecorder.attemptResource(c, resource)));
          }
        }
        tx.batch(INSERT_ATTEMPT, inserts);
      }
      tx.batch(JdbcSpanOutbox.INSERT, recorder.outboxRows(won));
      tx.batch(JdbcLogOutbox.INSERT_ATTEMPT, logRows(won));
      return applied;
    });
  }

  @Override
  public List<ActiveCount> activeCounts() {
    return sql.query("SELECT dag_id, pool, COUNT(*), SUM(pool_slots) FROM task_instance"
        + " WHERE state IN ('queued', 'running') GROUP BY dag_id, pool",
        rs -> new ActiveCount(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)));
  }

  @Override
  public int[] queuedAndRunning() {
    int[] counts = new int[2];
    sql.query("SELECT state, COUNT(*) FROM task_instance WHERE state IN ('queued', 'running') GROUP BY state", rs -> {
      counts["queued".equals(rs.getString(1)) ? 0 : 1] = rs.getInt(2);
      return null;
    });
    return counts;
  }

  private static final String UPDATE_ATTEMPT = "UPDATE task_instance_history SET state = ?, start_date = ?,"
      + " end_date = ?, hostname = ?, pid = ?, exit_code = ?, error = ?, executor = ?, span_resource_id = ?,"
      + " job_id = ? WHERE dag_id = ? AND run_id = ? AND task_id = ? AND try_number = ?";
  private static final String INSERT_ATTEMPT = "INSERT INTO task_instance_history (" + ATTEMPT_COLUMNS
      + ", span_resource_id) VALUES (" + marks(16) + ")";

  private static Object[] attemptUpdateValues(TaskAttempt a, Long resource) {
    Placement p = a.placement();
    return new Object[] {a.state().id(), Sql.ts(a.startDate()), Sql.ts(a.endDate()), p.hostname(),
        Sql.num(p.pid()), Sql.integer(a.status().exitCode()), JdbcDagStore.truncate(a.status().error(), 100_000),
        p.executor(), Sql.num(resource), Sql.num(p.jobId()), a.dagId(), a.runId(), a.taskId(), a.tryNumber()};
  }

  private static Object[] attemptInsertValues(TaskAttempt a, Long resource) {
    Placement p = a.placement();
    return new Object[] {a.dagId(), a.runId(), a.taskId(), a.tryNumber(), a.state().id(), Sql.ts(a.startDate()),
        Sql.ts(a.endDate()), p.hostname(), Sql.num(p.pid()), Sql.integer(a.status().exitCode()),
        JdbcDagStore.truncate(a.status().error(), 100_000), p.executor(), a.spanId(), a.taskSpanId(), Sql.num(p.jobId()), Sql.num(resource)};
  }

  static void upsertAttempt(Sql.Tx tx, TaskAttempt a, Long resource) throws SQLException {
    if (tx.update(UPDATE_ATTEMPT, attemptUpdateValues(a, resource)) == 0) {
      tx.update(INSERT_ATTEMPT, attemptInsertValues(a, resource));
    }
  }

  @Override
  public List<TaskAttempt> attempts(RunKey key) {
    return sql.query("SELECT " + ATTEMPT_COLUMNS + " FROM task_instance_history WHERE dag_id = ? AND run_id = ?"
        + " ORDER BY task_id, try_number", JdbcRunStore::mapAttempt, key.dagId(), key.runId());
  }

  @Override
  public List<TaskInstance> taskInstances(RunKey key, Collection<String> taskIds) {
    return ByTaskIds.query(sql, "SELECT " + TI_COLUMNS + " FROM task_instance", "task_id", key, taskIds,
        JdbcRunStore::mapTi);
  }

  @Override
  public List<TaskAttempt> attempts(RunKey key, Collection<String> taskIds) {
    return ByTaskIds.query(sql, "SELECT " + ATTEMPT_COLUMNS + " FROM task_instance_history", "try_number",
        key, taskIds, JdbcRunStore::mapAttempt);
  }

  @Override
  public Optional<TaskAttempt> attempt(TaskInstanceKey key, int tryNumber) {
    return sql.queryOne("SELECT " + ATTEMPT_COLUMNS + " FROM task_instance_history WHERE dag_id = ?"
        + " AND run_id = ? AND task_id = ? AND try_number = ?", JdbcRunStore::mapAttempt,
        key.dagId(), key.runId(), key.taskId(), tryNumber);
  }

  static DagRun mapRun(ResultSet rs) throws SQLException {
    RunKey key = new RunKey(rs.getString("dag_id"), rs.getString("run_id"));
    RunType type = RunType.parse(rs.getString("run_type"));
    String triggeredBy = rs.getString("triggered_by");
    RunOrigin origin = (triggeredBy == null ? RunOrigin.of(type) : new RunOrigin(triggeredBy,
        rs.getString("triggering_user_name"), rs.getString("note"), rs.getBoolean("logical_date_given")))
        .withRunAfter(Sql.instant(rs, "run_after"));
    RunSpec spec = new RunSpec(type, Sql.instant(rs, "logical_date"), Sql.instant(rs, "data_interval_start"),
        Sql.instant(rs, "data_interval_end"), rs.getString("conf"), origin);
    RunTimes times = new RunTimes(Sql.instant(rs, "queued_at"), Sql.instant(rs, "start_date"),
        Sql.instant(rs, "end_date"));
    String creatorTrace = rs.getString("creator_trace_id");
    String creatorSpan = rs.getString("creator_span_id");
    TraceContext creator = creatorTrace == null || creatorSpan == null ? null
        : new TraceContext(creatorTrace, creatorSpan, TraceContext.SAMPLED);
    RunTrace trace = new RunTrace(new TraceContext(rs.getString("trace_id"), rs.getString("span_id"),
        rs.getInt("trace_flags")), rs.getString("parent_span_id"), creator,
        new RunSegment(rs.getInt("clear_number"), rs.getString("segment_span_id")));
    return new DagRun(key, RunState.parse(rs.getString("state")), spec, times, trace, rs.getInt("revision"));
  }

  static TaskInstance mapTi(ResultSet rs) throws SQLException {
    TaskInstanceKey key = new TaskInstanceKey(rs.getString("dag_id"), rs.getString("run_id"), rs.getString("task_id"));
    TaskProfile profile = new TaskProfile(rs.getString("task_type"), rs.getString("pool"), rs.getInt("pool_slots"),
        rs.getInt("priority_weight"), rs.getString("queue"));
    TaskTimes times = new TaskTimes(Sql.instant(rs, "scheduled_at"), Sql.instant(rs, "queued_at"),
        Sql.instant(rs, "start_date"), Sql.instant(rs, "end_date"), Sql.instant(rs, "next_retry_at"));
    Long pid = Sql.nullableLong(rs, "pid");
    Lease lease = new Lease(Sql.nullableLong(rs, "job_id"), rs.getString("hostname"),
        pid == null ? null : new ProcessIdentity(pid, Sql.instant(rs, "process_started_at")));
    TaskTrace trace = new TaskTrace(rs.getString("span_id"), rs.getString("attempt_span_id"), rs.getInt("trace_flags"),
        rs.getString("parent_span_id"), rs.getString("previous_span_id"));
    return new TaskInstance(key, TaskState.parse(rs.getString("state")),
        new Tries(rs.getInt("try_number"), rs.getInt("max_tries"), rs.getInt("handbacks")), profile, times, lease, trace);
  }

  static TaskAttempt mapAttempt(ResultSet rs) throws SQLException {
    TaskInstanceKey key = new TaskInstanceKey(rs.getString("dag_id"), rs.getString("run_id"), rs.getString("task_id"));
    Placement placement = new Placement(rs.getString("executor"), rs.getString("hostname"), Sql.nullableLong(rs, "pid"),
        Sql.nullableLong(rs, "job_id"));
    AttemptStatus status = new AttemptStatus(TaskState.parse(rs.getString("state")),
        Sql.nullableInt(rs, "exit_code"), rs.getString("error"));
    return new TaskAttempt(key, rs.getInt("try_number"), rs.getString("span_id"), placement,
        Sql.instant(rs, "start_date"), Sql.instant(rs, "end_date"), status, rs.getString("task_span_id"));
  }

  /**
   * One lookup by primary key per row, prepared once, in one transaction. (An OR of the keys cost
   * PostgreSQL 30-50 ms for 32 keys, planned as a bitmap OR over the primary key's index, for a
   * distributed worker's stop watch every second.)
   */
  @Override
  public List<TaskInstance> taskInstances(Collection<TaskInstanceKey> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<Object[]> args = new ArrayList<>(keys.size());
    for (TaskInstanceKey k : keys) {
      args.add(new Object[] {k.dagId(), k.runId(), k.taskId()});
    }
    return sql.inTransaction(tx -> tx.queryEach("SELECT " + TI_COLUMNS + " FROM task_instance WHERE dag_id = ? AND"
        + " run_id = ? AND task_id = ?", JdbcRunStore::mapTi, args));
  }

  @Override
  public List<DagRun> runSegments(RunKey key) {
    return sql.query(JdbcSegments.RUN_SEGMENT_SELECT + " WHERE s.dag_id = ? AND s.run_id = ? ORDER BY s.queued_at,"
        + " s.clear_number", JdbcSegments::mapRunSegment, key.dagId(), key.runId());
  }

  @Override
  public List<TaskInstance> taskSegments(RunKey key) {
    return sql.query("SELECT " + JdbcSegments.TASK_SEGMENT_COLUMNS + " FROM task_run_segment WHERE dag_id = ?"
        + " AND run_id = ? ORDER BY task_id, end_date", JdbcSegments::mapTaskSegment, key.dagId(), key.runId());
  }

  @Override
  public List<TaskInstance> taskSegments(RunKey key, Collection<String> taskIds) {
    return ByTaskIds.query(sql, "SELECT " + JdbcSegments.TASK_SEGMENT_COLUMNS + " FROM task_run_segment",
        "end_date", key, taskIds, JdbcSegments::mapTaskSegment);
  }

  @Override
  public List<SpanEvent> spanEvents(RunKey key) {
    return sql.query("SELECT " + JdbcSegments.EVENT_COLUMNS + " FROM span_event WHERE dag_id = ? AND run_id = ?"
        + " ORDER BY at, id", JdbcSegments::mapEvent, key.dagId(), key.runId());
  }
}
