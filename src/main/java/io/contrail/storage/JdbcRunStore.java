package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link RunStore} on the metadata database (H2 or PostgreSQL). */
public final class JdbcRunStore implements RunStore {
  static final String RUN_COLUMNS = "dag_id, run_id, run_type, state, logical_date,"
      + " data_interval_start, data_interval_end, conf, queued_at, start_date, end_date, trace_id,"
      + " span_id, parent_span_id, trace_flags, creator_trace_id, creator_span_id";
  static final String TI_COLUMNS = "dag_id, run_id, task_id, state, try_number, max_tries,"
      + " task_type, pool, pool_slots, priority_weight, scheduled_at, queued_at, start_date, end_date,"
      + " next_retry_at, hostname, pid, job_id, span_id, attempt_span_id, trace_flags";
  static final String ATTEMPT_COLUMNS = "dag_id, run_id, task_id, try_number, state,"
      + " start_date, end_date, hostname, pid, exit_code, error, executor, span_id";

  private final Sql sql;

  public JdbcRunStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public boolean createRun(DagRun run, List<TaskInstance> taskInstances) {
    try {
      return sql.inTransaction(tx -> {
        if (!tx.query("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?", rs -> 1,
            run.dagId(), run.runId()).isEmpty()) {
          return false;
        }
        insertRun(tx, run);
        List<Object[]> rows = new ArrayList<>();
        for (TaskInstance ti : taskInstances) {
          rows.add(tiValues(ti));
        }
        tx.batch("INSERT INTO task_instance (" + TI_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows);
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

  private static void insertRun(Sql.Tx tx, DagRun run) throws SQLException {
    try {
      tx.update("INSERT INTO dag_run (" + RUN_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          run.dagId(), run.runId(), run.runType().id(), run.state().id(), run.logicalDate(),
          Sql.ts(run.dataIntervalStart()), Sql.ts(run.dataIntervalEnd()), run.conf(), run.queuedAt(),
          Sql.ts(run.startDate()), Sql.ts(run.endDate()), run.traceId(), run.spanId(),
          run.parentSpanId(), run.traceFlags(), run.creatorTraceId(), run.creatorSpanId());
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        throw new RunIdTaken(); // rolls the transaction back in Sql.inTransaction
      }
      throw e;
    }
  }

  private static Object[] tiValues(TaskInstance ti) {
    return new Object[] {ti.dagId(), ti.runId(), ti.taskId(), ti.state().id(), ti.tryNumber(),
        ti.maxTries(), ti.taskType(), ti.pool(), ti.poolSlots(), ti.priorityWeight(),
        Sql.ts(ti.scheduledAt()), Sql.ts(ti.queuedAt()), Sql.ts(ti.startDate()), Sql.ts(ti.endDate()),
        Sql.ts(ti.nextRetryAt()), ti.hostname(), Sql.num(ti.pid()), Sql.num(ti.jobId()), ti.spanId(),
        ti.attemptSpanId(), ti.traceFlags()};
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

  @Override
  public boolean transitionRun(RunKey key, RunState from, RunState to, Instant startDate, Instant endDate) {
    return sql.update("UPDATE dag_run SET state = ?, start_date = COALESCE(?, start_date),"
            + " end_date = COALESCE(?, end_date) WHERE dag_id = ? AND run_id = ? AND state = ?",
        to.id(), Sql.ts(startDate), Sql.ts(endDate), key.dagId(), key.runId(), from.id()) == 1;
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
      + " hostname = ?, pid = ?, job_id = ?, attempt_span_id = ?"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = ? AND try_number = ?";

  private static Object[] updateValues(TaskInstance current, TaskInstance next) {
    return new Object[] {next.state().id(), next.tryNumber(), next.maxTries(), Sql.ts(next.scheduledAt()),
        Sql.ts(next.queuedAt()), Sql.ts(next.startDate()), Sql.ts(next.endDate()),
        Sql.ts(next.nextRetryAt()), next.hostname(), Sql.num(next.pid()), Sql.num(next.jobId()),
        next.attemptSpanId(), current.dagId(), current.runId(), current.taskId(),
        current.state().id(), current.tryNumber()};
  }

  @Override
  public boolean update(TaskInstance current, TaskInstance next, TaskAttempt attempt) {
    return sql.inTransaction(tx -> {
      if (tx.update(UPDATE_TI, updateValues(current, next)) != 1) {
        return false;
      }
      if (attempt != null) {
        upsertAttempt(tx, attempt);
      }
      return true;
    });
  }

  @Override
  public boolean[] updateAll(List<TaskInstance> current, List<TaskInstance> next) {
    if (current.isEmpty()) {
      return new boolean[0];
    }
    List<Object[]> rows = new ArrayList<>(current.size());
    for (int i = 0; i < current.size(); i++) {
      rows.add(updateValues(current.get(i), next.get(i)));
    }
    int[] counts = sql.inTransaction(tx -> tx.batchCounts(UPDATE_TI, rows));
    boolean[] applied = new boolean[counts.length];
    for (int i = 0; i < counts.length; i++) {
      applied[i] = counts[i] == 1;
    }
    return applied;
  }

  @Override
  public boolean[] updateAll(List<TaskInstance> current, List<TaskInstance> next, List<TaskAttempt> attempts) {
    if (current.isEmpty()) {
      return new boolean[0];
    }
    return sql.inTransaction(tx -> {
      List<Object[]> rows = new ArrayList<>(current.size());
      for (int i = 0; i < current.size(); i++) {
        rows.add(updateValues(current.get(i), next.get(i)));
      }
      int[] counts = tx.batchCounts(UPDATE_TI, rows);
      boolean[] applied = new boolean[counts.length];
      List<TaskAttempt> written = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        applied[i] = counts[i] == 1;
        if (applied[i] && attempts.get(i) != null) {
          written.add(attempts.get(i));
        }
      }
      if (!written.isEmpty()) {
        List<Object[]> updates = new ArrayList<>();
        for (TaskAttempt a : written) {
          updates.add(attemptUpdateValues(a));
        }
        int[] updated = tx.batchCounts(UPDATE_ATTEMPT, updates);
        List<Object[]> inserts = new ArrayList<>();
        for (int i = 0; i < updated.length; i++) {
          if (updated[i] == 0) {
            inserts.add(attemptInsertValues(written.get(i)));
          }
        }
        tx.batch(INSERT_ATTEMPT, inserts);
      }
      return applied;
    });
  }

  @Override
  public List<ActiveCount> activeCounts() {
    return sql.query("SELECT dag_id, pool, COUNT(*), SUM(pool_slots) FROM task_instance"
        + " WHERE state IN ('queued', 'running') GROUP BY dag_id, pool",
        rs -> new ActiveCount(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)));
  }

  private static final String UPDATE_ATTEMPT = "UPDATE task_instance_history SET state = ?, start_date = ?,"
      + " end_date = ?, hostname = ?, pid = ?, exit_code = ?, error = ?, executor = ?"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND try_number = ?";
  private static final String INSERT_ATTEMPT = "INSERT INTO task_instance_history (" + ATTEMPT_COLUMNS
      + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private static Object[] attemptUpdateValues(TaskAttempt a) {
    return new Object[] {a.state().id(), Sql.ts(a.startDate()), Sql.ts(a.endDate()), a.hostname(),
        Sql.num(a.pid()), Sql.integer(a.exitCode()), JdbcDagStore.truncate(a.error(), 100_000), a.executor(),
        a.dagId(), a.runId(), a.taskId(), a.tryNumber()};
  }

  private static Object[] attemptInsertValues(TaskAttempt a) {
    return new Object[] {a.dagId(), a.runId(), a.taskId(), a.tryNumber(), a.state().id(), Sql.ts(a.startDate()),
        Sql.ts(a.endDate()), a.hostname(), Sql.num(a.pid()), Sql.integer(a.exitCode()),
        JdbcDagStore.truncate(a.error(), 100_000), a.executor(), a.spanId()};
  }

  private static void upsertAttempt(Sql.Tx tx, TaskAttempt a) throws SQLException {
    if (tx.update(UPDATE_ATTEMPT, attemptUpdateValues(a)) == 0) {
      tx.update(INSERT_ATTEMPT, attemptInsertValues(a));
    }
  }

  @Override
  public List<TaskAttempt> attempts(RunKey key) {
    return sql.query("SELECT " + ATTEMPT_COLUMNS + " FROM task_instance_history WHERE dag_id = ? AND run_id = ?"
        + " ORDER BY task_id, try_number", JdbcRunStore::mapAttempt, key.dagId(), key.runId());
  }

  @Override
  public Optional<TaskAttempt> attempt(TaskInstanceKey key, int tryNumber) {
    return sql.queryOne("SELECT " + ATTEMPT_COLUMNS + " FROM task_instance_history WHERE dag_id = ?"
        + " AND run_id = ? AND task_id = ? AND try_number = ?", JdbcRunStore::mapAttempt,
        key.dagId(), key.runId(), key.taskId(), tryNumber);
  }

  static DagRun mapRun(ResultSet rs) throws SQLException {
    return new DagRun(rs.getString("dag_id"), rs.getString("run_id"),
        RunType.parse(rs.getString("run_type")), RunState.parse(rs.getString("state")),
        Sql.instant(rs, "logical_date"), Sql.instant(rs, "data_interval_start"),
        Sql.instant(rs, "data_interval_end"), rs.getString("conf"), Sql.instant(rs, "queued_at"),
        Sql.instant(rs, "start_date"), Sql.instant(rs, "end_date"), rs.getString("trace_id"),
        rs.getString("span_id"), rs.getString("parent_span_id"), rs.getInt("trace_flags"),
        rs.getString("creator_trace_id"), rs.getString("creator_span_id"));
  }

  static TaskInstance mapTi(ResultSet rs) throws SQLException {
    return new TaskInstance(rs.getString("dag_id"), rs.getString("run_id"), rs.getString("task_id"),
        TaskState.parse(rs.getString("state")), rs.getInt("try_number"), rs.getInt("max_tries"),
        rs.getString("task_type"), rs.getString("pool"), rs.getInt("pool_slots"),
        rs.getInt("priority_weight"), Sql.instant(rs, "scheduled_at"), Sql.instant(rs, "queued_at"),
        Sql.instant(rs, "start_date"), Sql.instant(rs, "end_date"), Sql.instant(rs, "next_retry_at"),
        rs.getString("hostname"), Sql.nullableLong(rs, "pid"), Sql.nullableLong(rs, "job_id"),
        rs.getString("span_id"), rs.getString("attempt_span_id"), rs.getInt("trace_flags"));
  }

  static TaskAttempt mapAttempt(ResultSet rs) throws SQLException {
    return new TaskAttempt(rs.getString("dag_id"), rs.getString("run_id"), rs.getString("task_id"),
        rs.getInt("try_number"), TaskState.parse(rs.getString("state")),
        Sql.instant(rs, "start_date"), Sql.instant(rs, "end_date"), rs.getString("hostname"),
        Sql.nullableLong(rs, "pid"), Sql.nullableInt(rs, "exit_code"), rs.getString("error"),
        rs.getString("executor"), rs.getString("span_id"));
  }
}
