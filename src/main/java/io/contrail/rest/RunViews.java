package io.contrail.rest;

import io.contrail.run.DagRun;
import io.contrail.run.RunOrigin;
import io.contrail.run.RunSpec;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceContext;
import io.contrail.storage.Json;
import io.contrail.telemetry.TraceContexts;
import io.contrail.secrets.SecretsMasker;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs, task instances and tries as Airflow's DAGRunResponse, TaskInstanceResponse and
 * TaskInstanceHistoryResponse show them, plus what Contrail adds: each carries the
 * {@code trace_id} and {@code span_id} of its span ({@code dag_run}, {@code task_run},
 * {@code task_attempt}) and its W3C {@code traceparent}. A run's conf comes back with values under
 * secret-looking keys masked.
 */
public final class RunViews {
  private final String traceUrlTemplate;
  private final SecretsMasker masker;

  /**
   * @param traceUrlTemplate [api] trace_url_template ({@code {trace_id}} is replaced), or empty
   * @param masker the process's secrets masker, which run conf passes through
   */
  public RunViews(String traceUrlTemplate, SecretsMasker masker) {
    this.traceUrlTemplate = traceUrlTemplate == null ? "" : traceUrlTemplate;
    this.masker = masker;
  }

  public Map<String, Object> run(DagRun run) {
    RunSpec spec = run.spec();
    RunOrigin origin = spec.origin();
    boolean dated = origin.logicalDateGiven();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dag_run_id", run.runId());
    m.put("dag_id", run.dagId());
    m.put("logical_date", dated ? Wire.time(spec.logicalDate()) : null);
    m.put("queued_at", Wire.time(run.times().queuedAt()));
    m.put("start_date", Wire.time(run.times().startDate()));
    m.put("end_date", Wire.time(run.times().endDate()));
    m.put("duration", Wire.seconds(run.times().startDate(), run.times().endDate()));
    m.put("data_interval_start", dated ? Wire.time(spec.dataIntervalStart()) : null);
    m.put("data_interval_end", dated ? Wire.time(spec.dataIntervalEnd()) : null);
    m.put("run_after", Wire.time(run.runAfter()));
    m.put("last_scheduling_decision", null);
    m.put("run_type", spec.type().id());
    m.put("state", run.state().id());
    m.put("triggered_by", origin.triggeredBy());
    m.put("triggering_user_name", origin.user());
    m.put("conf", spec.conf() == null ? Map.of() : masker.redact(Json.readObject(spec.conf())));
    m.put("note", origin.note());
    m.put("dag_versions", List.of());
    m.put("bundle_version", null);
    m.put("dag_display_name", run.dagId());
    m.put("partition_key", null);
    m.put("partition_date", null);
    trace(m, run.trace().span());
    if (!traceUrlTemplate.isEmpty()) {
      m.put("trace_url", traceUrlTemplate.replace("{trace_id}", run.trace().traceId()));
    }
    return m;
  }

  /** @param note the user's note on the task instance, or null */
  public Map<String, Object> taskInstance(TaskInstance ti, DagRun run, String note) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id(ti));
    m.put("task_id", ti.taskId());
    m.put("dag_id", ti.dagId());
    m.put("dag_run_id", ti.runId());
    m.put("map_index", -1);
    m.put("logical_date", run.spec().origin().logicalDateGiven() ? Wire.time(run.spec().logicalDate()) : null);
    m.put("run_after", Wire.time(run.runAfter()));
    m.put("start_date", Wire.time(ti.times().startDate()));
    m.put("end_date", Wire.time(ti.times().endDate()));
    m.put("duration", millis(ti.times().startDate(), ti.times().endDate()));
    m.put("state", state(ti.state()));
    m.put("try_number", ti.tryNumber());
    m.put("max_tries", ti.tries().max() - 1);
    m.put("task_display_name", ti.taskId());
    m.put("dag_display_name", ti.dagId());
    m.put("hostname", ti.lease().hostname());
    m.put("unixname", null);
    m.put("pool", ti.profile().pool());
    m.put("pool_slots", ti.profile().poolSlots());
    m.put("queue", "default");
    m.put("priority_weight", ti.profile().priorityWeight());
    m.put("operator", ti.profile().taskType());
    m.put("operator_name", ti.profile().taskType());
    m.put("queued_when", Wire.time(ti.times().queuedAt()));
    m.put("scheduled_when", Wire.time(ti.times().scheduledAt()));
    m.put("pid", ti.lease().pid());
    m.put("executor", null);
    m.put("executor_config", "{}");
    m.put("note", note);
    m.put("rendered_map_index", null);
    m.put("rendered_fields", Map.of());
    m.put("trigger", null);
    m.put("triggerer_job", null);
    m.put("dag_version", null);
    trace(m, new TraceContext(run.trace().traceId(), ti.trace().spanId(), ti.trace().flags()));
    return m;
  }

  /** One try from its attempt row. */
  public Map<String, Object> attempt(TaskAttempt at, TaskInstance ti, DagRun run) {
    boolean current = at.tryNumber() == ti.tryNumber();
    return tryView(ti, run, at.tryNumber(), at.startDate(), at.endDate(), at.state(), at.placement().hostname(),
        at.placement().pid(), at.placement().executor(), current, at.spanId());
  }

  /** The current try of a task instance that has no attempt row yet (queued, not started). */
  public Map<String, Object> currentTry(TaskInstance ti, DagRun run) {
    return tryView(ti, run, ti.tryNumber(), ti.times().startDate(), ti.times().endDate(), ti.state(),
        ti.lease().hostname(), ti.lease().pid(), null, true, ti.trace().attemptSpanId());
  }

  private Map<String, Object> tryView(TaskInstance ti, DagRun run, int tryNumber, Instant start, Instant end,
      TaskState state, String host, Long pid, String executor, boolean current, String spanId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", ti.taskId());
    m.put("dag_id", ti.dagId());
    m.put("dag_run_id", ti.runId());
    m.put("map_index", -1);
    m.put("start_date", Wire.time(start));
    m.put("end_date", Wire.time(end));
    m.put("duration", millis(start, end));
    // an attempt row says running until its try ends; the task instance knows up_for_retry and the like
    m.put("state", state(current && state == TaskState.RUNNING ? ti.state() : state));
    m.put("try_number", tryNumber);
    m.put("max_tries", ti.tries().max() - 1);
    m.put("task_display_name", ti.taskId());
    m.put("dag_display_name", ti.dagId());
    m.put("hostname", host);
    m.put("unixname", null);
    m.put("pool", ti.profile().pool());
    m.put("pool_slots", ti.profile().poolSlots());
    m.put("queue", "default");
    m.put("priority_weight", ti.profile().priorityWeight());
    m.put("operator", ti.profile().taskType());
    m.put("operator_name", ti.profile().taskType());
    m.put("queued_when", current ? Wire.time(ti.times().queuedAt()) : null);
    m.put("scheduled_when", current ? Wire.time(ti.times().scheduledAt()) : null);
    m.put("pid", pid);
    m.put("executor", executor);
    m.put("executor_config", "{}");
    m.put("dag_version", null);
    if (spanId != null) {
      trace(m, new TraceContext(run.trace().traceId(), spanId, ti.trace().flags()));
    } else {
      m.put("trace_id", run.trace().traceId());
      m.put("span_id", null);
      m.put("traceparent", null);
    }
    return m;
  }

  /** Airflow's state of a task instance: Contrail's {@code none} is null. */
  static String state(TaskState s) {
    return s == TaskState.NONE ? null : s.id();
  }

  /** A stable UUID per task instance (Airflow's id), from its key. */
  static String id(TaskInstance ti) {
    return UUID.nameUUIDFromBytes((ti.dagId() + "\u0000" + ti.runId() + "\u0000" + ti.taskId())
        .getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static Double millis(Instant start, Instant end) {
    Double s = Wire.seconds(start, end);
    return s == null ? null : Math.round(s * 1000) / 1000.0;
  }

  private static void trace(Map<String, Object> m, TraceContext span) {
    m.put("trace_id", span.traceId());
    m.put("span_id", span.spanId());
    m.put("traceparent", TraceContexts.traceparent(span));
  }
}
