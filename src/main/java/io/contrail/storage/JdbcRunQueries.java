package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link RunQueries} on the metadata database; the few expressions that differ are per dialect. */
final class JdbcRunQueries implements RunQueries {
  private final Sql sql;
  private final boolean postgres;

  JdbcRunQueries(Sql sql, boolean postgres) {
    this.sql = sql;
    this.postgres = postgres;
  }

  /** end_date - start_date in seconds (null while either is null). */
  private String duration(String alias) {
    return postgres ? "EXTRACT(EPOCH FROM (" + alias + "end_date - " + alias + "start_date))"
        : "(DATEDIFF('MICROSECOND', " + alias + "start_date, " + alias + "end_date) / 1000000.0)";
  }

  @Override
  public Page<DagRun> runs(RunQuery q) {
    Where where = new Where();
    if (q.dagId() != null) {
      where.add("dag_id = ?", q.dagId());
    }
    where.in("state", q.states().stream().map(RunState::id).sorted().toList());
    where.in("run_type", q.types().stream().map(RunType::id).sorted().toList());
    where.match("dag_id", q.dagIdMatch()).match("run_id", q.runIdMatch()).match("triggering_user_name", q.userMatch());
    if (q.confContains() != null) {
      where.add("conf LIKE ? ESCAPE '\\'", "%" + escapeLike(q.confContains()) + "%");
    }
    q.times().forEach((column, range) -> where.range(runColumn(column), range));
    where.range(duration(""), q.durationSeconds());
    // with one DAG its id is constant: the key's run_id alone breaks ties, in index order
    String[] key = q.dagId() != null ? new String[] {"run_id"} : new String[] {"dag_id", "run_id"};
    String order = Where.orderBy(q.sort(), this::runColumn, c -> c != RunColumn.CREATED && c != RunColumn.STATE
        && c != RunColumn.DAG_ID && c != RunColumn.RUN_ID && c != RunColumn.RUN_AFTER, key);
    return sql.inTransaction(tx -> {
      long total = tx.query("SELECT COUNT(*) FROM dag_run" + where.sql(), rs -> rs.getLong(1), where.args()).get(0);
      List<DagRun> page = q.limit() == 0 ? List.of() : tx.query("SELECT " + JdbcRunStore.RUN_COLUMNS
          + " FROM dag_run" + where.sql() + order + Where.page(), JdbcRunStore::mapRun, where.argsThen(q.offset(), q.limit()));
      return new Page<>(page, total);
    });
  }

  private String runColumn(RunColumn c) {
    return switch (c) {
      case CREATED -> "queued_at";
      case STATE -> "state";
      case DAG_ID -> "dag_id";
      case RUN_ID -> "run_id";
      // a manual run whose creator named no logical date has none, as the API shows it
      case LOGICAL_DATE -> "(CASE WHEN logical_date_given THEN logical_date END)";
      case RUN_AFTER -> "run_after";
      case START_DATE -> "start_date";
      case END_DATE -> "end_date";
      case DURATION -> duration("");
      case CONF -> "conf";
    };
  }

  @Override
  public Page<TaskRow> taskInstances(TaskQuery q) {
    Where where = new Where();
    if (q.dagId() != null) {
      where.add("ti.dag_id = ?", q.dagId());
    }
    if (q.runId() != null) {
      where.add("ti.run_id = ?", q.runId());
    }
    if (q.taskId() != null) {
      where.add("ti.task_id = ?", q.taskId());
    }
    where.in("ti.state", q.states().stream().map(TaskState::id).sorted().toList());
    where.in("ti.pool", q.pools().stream().sorted().toList());
    where.in("ti.task_type", q.taskTypes().stream().sorted().toList());
    if (!q.tryNumbers().isEmpty()) {
      where.add("ti.try_number IN (" + q.tryNumbers().stream().map(n -> "?").collect(Collectors.joining(",")) + ")",
          q.tryNumbers().stream().sorted().toArray());
    }
    where.match("ti.task_id", q.taskIdMatch()).match("ti.dag_id", q.dagIdMatch()).match("ti.run_id", q.runIdMatch());
    q.times().forEach((column, range) -> where.range(taskColumn(column), range));
    where.range(duration("ti."), q.durationSeconds());
    boolean joinRun = q.times().containsKey(TaskColumn.LOGICAL_DATE) || q.times().containsKey(TaskColumn.RUN_AFTER)
        || q.sort().stream().anyMatch(s -> s.column() == TaskColumn.LOGICAL_DATE || s.column() == TaskColumn.RUN_AFTER);
    String from = " FROM task_instance ti" + (joinRun ? " JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id" : "");
    String order = Where.orderBy(q.sort(), c -> c == TaskColumn.KEY ? "ti.dag_id, ti.run_id, ti.task_id" : taskColumn(c),
        c -> c == TaskColumn.START_DATE || c == TaskColumn.END_DATE || c == TaskColumn.DURATION
            || c == TaskColumn.LOGICAL_DATE, "ti.dag_id", "ti.run_id", "ti.task_id");
    return sql.inTransaction(tx -> {
      long total = tx.query("SELECT COUNT(*)" + from + where.sql(), rs -> rs.getLong(1), where.args()).get(0);
      if (q.limit() == 0) {
        return new Page<>(List.of(), total);
      }
      Map<TaskInstanceKey, String> notes = new HashMap<>();
      List<TaskInstance> tis = tx.query("SELECT " + JdbcDagQueries.prefixed("ti.", JdbcRunStore.TI_COLUMNS)
          + ", ti.note" + from + where.sql() + order + Where.page(), rs -> {
            TaskInstance ti = JdbcRunStore.mapTi(rs);
            notes.put(ti.key(), rs.getString("note"));
            return ti;
          }, where.argsThen(q.offset(), q.limit()));
      Map<RunKey, DagRun> runs = runsOf(tx, tis);
      List<TaskRow> rows = new ArrayList<>();
      for (TaskInstance ti : tis) {
        DagRun run = runs.get(ti.key().runKey());
        if (run != null) {
          rows.add(new TaskRow(ti, run, notes.get(ti.key())));
        }
      }
      return new Page<>(rows, total);
    });
  }

  private String taskColumn(TaskColumn c) {
    return switch (c) {
      case KEY -> "ti.task_id";
      case STATE -> "ti.state";
      case START_DATE -> "ti.start_date";
      case END_DATE -> "ti.end_date";
      case DURATION -> duration("ti.");
      case TRY_NUMBER -> "ti.try_number";
      case LOGICAL_DATE -> "(CASE WHEN r.logical_date_given THEN r.logical_date END)";
      case RUN_AFTER -> "r.run_after";
      case OPERATOR -> "ti.task_type";
    };
  }

  /** The runs of a page of task instances, in one query. */
  private static Map<RunKey, DagRun> runsOf(Sql.Tx tx, List<TaskInstance> tis) throws java.sql.SQLException {
    Set<RunKey> keys = new LinkedHashSet<>();
    tis.forEach(ti -> keys.add(ti.key().runKey()));
    Map<RunKey, DagRun> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    List<Object> args = new ArrayList<>();
    List<String> ors = new ArrayList<>();
    for (RunKey k : keys) {
      ors.add("(dag_id = ? AND run_id = ?)");
      args.add(k.dagId());
      args.add(k.runId());
    }
    for (DagRun run : tx.query("SELECT " + JdbcRunStore.RUN_COLUMNS + " FROM dag_run WHERE " + String.join(" OR ", ors),
        JdbcRunStore::mapRun, args.toArray())) {
      out.put(run.key(), run);
    }
    return out;
  }

  static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
