package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.Lease;
import io.contrail.run.RunKey;
import io.contrail.run.RunSegment;
import io.contrail.run.RunSpec;
import io.contrail.run.RunState;
import io.contrail.run.RunTimes;
import io.contrail.run.RunTrace;
import io.contrail.run.RunType;
import io.contrail.run.SpanEvent;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQL of superseded spans (tables dag_run_segment and task_run_segment) and span events: how
 * a clear or mark keeps a span row as it was, and how kept rows read back as the {@link DagRun} or
 * {@link TaskInstance} value their span is built from. Shared by the run and operation stores and
 * the span outbox.
 */
final class JdbcSegments {
  private JdbcSegments() {}

  /** Keeps the run's current segment (root or latest) before an operation rewrites the row; bind end, key, state, revision. */
  static final String ARCHIVE_RUN = "INSERT INTO dag_run_segment (dag_id, run_id, span_id, clear_number, state,"
      + " queued_at, start_date, end_date, trace_flags, span_resource_id)"
      + " SELECT dag_id, run_id, COALESCE(segment_span_id, span_id), clear_number, state, queued_at, start_date,"
      + " COALESCE(end_date, ?), trace_flags, span_resource_id FROM dag_run"
      + " WHERE dag_id = ? AND run_id = ? AND state = ? AND revision = ?";

  /** Keeps a task instance's task_run span before an operation gives it a new one; bind end, key, state, try. */
  static final String ARCHIVE_TASK = "INSERT INTO task_run_segment (dag_id, run_id, task_id, span_id,"
      + " parent_span_id, previous_span_id, state, try_number, max_tries, task_type, pool, pool_slots,"
      + " priority_weight, scheduled_at, queued_at, start_date, end_date, trace_flags, span_resource_id)"
      + " SELECT dag_id, run_id, task_id, span_id, parent_span_id, previous_span_id, state, try_number, max_tries,"
      + " task_type, pool, pool_slots, priority_weight, scheduled_at, queued_at, start_date, COALESCE(end_date, ?),"
      + " trace_flags, span_resource_id FROM task_instance"
      + " WHERE dag_id = ? AND run_id = ? AND task_id = ? AND state = ? AND try_number = ?";

  /**
   * The outbox row of a finished run's span, if not exported yet, now names the kept segment; bind
   * span id, key. A claim in flight keeps its token: the span it sends is the kept one's.
   */
  static final String MOVE_RUN_OUTBOX = "UPDATE span_outbox SET kind = 'run_seg', span_id = ?"
      + " WHERE dag_id = ? AND run_id = ? AND kind = 'run'";

  /** As {@link #MOVE_RUN_OUTBOX} for a task instance's span; bind span id, key, task id. */
  static final String MOVE_TASK_OUTBOX = "UPDATE span_outbox SET kind = 'task_seg', span_id = ?"
      + " WHERE dag_id = ? AND run_id = ? AND kind = 'task' AND task_id = ?";

  /** The outbox row of a span kept before it finished: bind kind, key, task id, span id. */
  static final String INSERT_OUTBOX = "INSERT INTO span_outbox (kind, dag_id, run_id, task_id, span_id) VALUES (?,?,?,?,?)";

  /** A kept run segment with its run's fixed columns; {@code s} is dag_run_segment, {@code r} dag_run. */
  static final String RUN_SEGMENT_SELECT = "SELECT r.dag_id, r.run_id, r.run_type, r.logical_date,"
      + " r.data_interval_start, r.data_interval_end, r.conf, r.trace_id, r.span_id AS root_span_id,"
      + " r.parent_span_id, r.creator_trace_id, r.creator_span_id, s.span_id AS segment_span_id, s.clear_number,"
      + " s.state, s.queued_at, s.start_date, s.end_date, s.trace_flags, s.span_resource_id"
      + " FROM dag_run_segment s JOIN dag_run r ON r.dag_id = s.dag_id AND r.run_id = s.run_id";

  static final String TASK_SEGMENT_COLUMNS = "dag_id, run_id, task_id, span_id, parent_span_id, previous_span_id,"
      + " state, try_number, max_tries, task_type, pool, pool_slots, priority_weight, scheduled_at, queued_at,"
      + " start_date, end_date, trace_flags";

  static DagRun mapRunSegment(ResultSet rs) throws SQLException {
    RunKey key = new RunKey(rs.getString("dag_id"), rs.getString("run_id"));
    RunSpec spec = new RunSpec(RunType.parse(rs.getString("run_type")), Sql.instant(rs, "logical_date"),
        Sql.instant(rs, "data_interval_start"), Sql.instant(rs, "data_interval_end"), rs.getString("conf"));
    RunTimes times = new RunTimes(Sql.instant(rs, "queued_at"), Sql.instant(rs, "start_date"),
        Sql.instant(rs, "end_date"));
    String root = rs.getString("root_span_id");
    String segmentSpan = rs.getString("segment_span_id");
    String creatorTrace = rs.getString("creator_trace_id");
    String creatorSpan = rs.getString("creator_span_id");
    TraceContext creator = creatorTrace == null || creatorSpan == null ? null
        : new TraceContext(creatorTrace, creatorSpan, TraceContext.SAMPLED);
    RunSegment segment = segmentSpan.equals(root) ? RunSegment.ROOT
        : new RunSegment(rs.getInt("clear_number"), segmentSpan);
    RunTrace trace = new RunTrace(new TraceContext(rs.getString("trace_id"), root, rs.getInt("trace_flags")),
        rs.getString("parent_span_id"), creator, segment);
    return new DagRun(key, RunState.parse(rs.getString("state")), spec, times, trace);
  }

  static TaskInstance mapTaskSegment(ResultSet rs) throws SQLException {
    TaskInstanceKey key = new TaskInstanceKey(rs.getString("dag_id"), rs.getString("run_id"), rs.getString("task_id"));
    TaskProfile profile = new TaskProfile(rs.getString("task_type"), rs.getString("pool"), rs.getInt("pool_slots"),
        rs.getInt("priority_weight"));
    TaskTimes times = new TaskTimes(Sql.instant(rs, "scheduled_at"), Sql.instant(rs, "queued_at"),
        Sql.instant(rs, "start_date"), Sql.instant(rs, "end_date"), null);
    TaskTrace trace = new TaskTrace(rs.getString("span_id"), null, rs.getInt("trace_flags"),
        rs.getString("parent_span_id"), rs.getString("previous_span_id"));
    return new TaskInstance(key, TaskState.parse(rs.getString("state")),
        new Tries(rs.getInt("try_number"), rs.getInt("max_tries")), profile, times, Lease.NONE, trace);
  }

  static final String EVENT_COLUMNS = "dag_id, run_id, span_id, at, name, attributes";

  static Object[] eventValues(SpanEvent e) {
    return new Object[] {e.run().dagId(), e.run().runId(), e.spanId(), e.at(), e.name(),
        JdbcDagStore.truncate(Json.write(e.attributes()), 10_000)};
  }

  static SpanEvent mapEvent(ResultSet rs) throws SQLException {
    Map<String, String> attributes = new LinkedHashMap<>();
    Json.readObject(rs.getString("attributes")).forEach((k, v) -> attributes.put(k, String.valueOf(v)));
    return new SpanEvent(new RunKey(rs.getString("dag_id"), rs.getString("run_id")), rs.getString("span_id"),
        Sql.instant(rs, "at"), rs.getString("name"), attributes);
  }
}
