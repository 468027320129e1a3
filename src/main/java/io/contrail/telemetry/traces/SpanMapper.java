package io.contrail.telemetry.traces;

import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceIds;
import io.contrail.storage.Json;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the span of a finished run, task instance or attempt from its stored row (DESIGN.md §6):
 * {@code dag_run.<dag_id>} → {@code task_run.<task_id>} → {@code task_attempt.<task_id>}, with the
 * stored ids, flags and times. Pure code over rows; the resource comes from {@code resources}
 * (one per DAG with service_per_dag).
 */
public final class SpanMapper {
  private static final Pattern EXCEPTION = Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*): ?(.*)");
  static final AttributeKey<String> LINK_TYPE = AttributeKey.stringKey("contrail.link.type");

  private final Function<String, Resource> resources;

  /** @param resources the resource of a DAG's spans, by dag_id */
  public SpanMapper(Function<String, Resource> resources) {
    this.resources = resources;
  }

  public static String runSpanName(String dagId) {
    return "dag_run." + dagId;
  }

  public SpanData runSpan(DagRun run) {
    AttributesBuilder a = Attributes.builder()
        .put("contrail.dag_id", run.dagId())
        .put("contrail.run_id", run.runId())
        .put("contrail.run_type", run.runType().id())
        .put("contrail.logical_date", run.logicalDate().toString())
        .put("contrail.state", run.state().id());
    if (run.dataIntervalStart() != null) {
      a.put("contrail.data_interval.start", run.dataIntervalStart().toString());
    }
    if (run.dataIntervalEnd() != null) {
      a.put("contrail.data_interval.end", run.dataIntervalEnd().toString());
    }
    if (run.conf() != null) {
      a.put("contrail.conf", Redaction.truncate(Json.write(Redaction.mask(Json.readObject(run.conf())))));
    }
    List<EventData> events = new ArrayList<>();
    events.add(EventData.create(nanos(run.queuedAt()), "queued", Attributes.empty()));
    if (run.startDate() != null) {
      events.add(EventData.create(nanos(run.startDate()), "started", Attributes.empty()));
    }
    Instant end = endOf(run.endDate(), run.startDate(), run.queuedAt());
    events.add(EventData.create(nanos(end), "ended",
        Attributes.of(AttributeKey.stringKey("contrail.state"), run.state().id())));
    SpanContext parent = run.parentSpanId() == null ? SpanContext.getInvalid()
        : SpanContext.createFromRemoteParent(run.traceId(), run.parentSpanId(), flags(run.traceFlags()), TraceState.getDefault());
    StatusData status = run.state() == RunState.FAILED ? StatusData.create(StatusCode.ERROR, "run failed") : StatusData.unset();
    List<LinkData> links = new ArrayList<>();
    if (run.creatorTraceId() != null && run.creatorSpanId() != null) {
      // the scheduler.loop span that created the run; it may not have been exported (scheduler_spans)
      links.add(LinkData.create(context(run.creatorTraceId(), run.creatorSpanId(), TraceIds.SAMPLED),
          Attributes.of(LINK_TYPE, "created_by")));
    }
    return new StoredSpan(runSpanName(run.dagId()), context(run.traceId(), run.spanId(), run.traceFlags()), parent,
        status, nanos(run.queuedAt()), nanos(end), a.build(), events, links, resources.apply(run.dagId()));
  }

  /**
   * @param siblings the run's task instances (for links to upstream task_run spans)
   * @param attempts the task instance's attempts (the span starts at the earliest of them when it
   *     was scheduled again for a retry)
   * @param dag the DAG definition, or null when it is gone (no trigger rule and links then)
   */
  public SpanData taskSpan(TaskInstance ti, DagRun run, Dag dag, Collection<TaskInstance> siblings,
      Collection<TaskAttempt> attempts) {
    Optional<TaskDefinition> def = Optional.ofNullable(dag).flatMap(d -> d.tasks().stream()
        .filter(t -> t.taskId().equals(ti.taskId())).findFirst());
    AttributesBuilder a = Attributes.builder()
        .put("contrail.dag_id", ti.dagId())
        .put("contrail.run_id", ti.runId())
        .put("contrail.task_id", ti.taskId())
        .put("contrail.task_type", ti.taskType())
        .put("contrail.state", ti.state().id())
        .put("contrail.try_number", (long) ti.tryNumber())
        .put("contrail.max_tries", (long) ti.maxTries())
        .put("contrail.pool", ti.pool());
    def.ifPresent(d -> a.put("contrail.trigger_rule", d.triggerRule().name().toLowerCase(java.util.Locale.ROOT)));
    Instant end = endOf(ti.endDate(), ti.startDate(), ti.scheduledAt() != null ? ti.scheduledAt() : run.queuedAt());
    Instant start = ti.scheduledAt() != null ? ti.scheduledAt() : end;
    for (TaskAttempt at : attempts) {
      if (at.startDate() != null && at.startDate().isBefore(start)) {
        start = at.startDate();
      }
    }
    if (ti.queuedAt() != null && ti.queuedAt().isBefore(start)) {
      start = ti.queuedAt();
    }
    List<LinkData> links = new ArrayList<>();
    if (def.isPresent()) {
      Map<String, TaskInstance> byId = new java.util.HashMap<>();
      siblings.forEach(s -> byId.put(s.taskId(), s));
      for (String up : def.get().dependsOn()) {
        TaskInstance u = byId.get(up);
        if (u != null) {
          links.add(LinkData.create(context(run.traceId(), u.spanId(), u.traceFlags()),
              Attributes.of(LINK_TYPE, "upstream")));
        }
      }
    }
    StatusData status = ti.state() == TaskState.FAILED ? StatusData.create(StatusCode.ERROR, "task failed") : StatusData.unset();
    return new StoredSpan("task_run." + ti.taskId(), context(run.traceId(), ti.spanId(), ti.traceFlags()),
        context(run.traceId(), run.spanId(), run.traceFlags()), status, nanos(start), nanos(end), a.build(),
        List.of(), links, resources.apply(ti.dagId()));
  }

  public SpanData attemptSpan(TaskAttempt at, TaskInstance ti, DagRun run) {
    AttributesBuilder a = Attributes.builder()
        .put("contrail.dag_id", at.dagId())
        .put("contrail.run_id", at.runId())
        .put("contrail.task_id", at.taskId())
        .put("contrail.try_number", (long) at.tryNumber())
        .put("contrail.state", at.state().id());
    if (at.executor() != null) {
      a.put("contrail.executor", at.executor());
    }
    if (at.hostname() != null) {
      a.put("host.name", at.hostname());
    }
    if (at.pid() != null) {
      a.put("process.pid", at.pid());
    }
    if (at.exitCode() != null) {
      a.put("process.exit.code", (long) at.exitCode());
    }
    Instant end = endOf(at.endDate(), at.startDate(), ti.queuedAt());
    Instant start = at.startDate() != null ? at.startDate() : end;
    List<EventData> events = new ArrayList<>();
    StatusData status = StatusData.unset();
    if (at.state() == TaskState.FAILED) {
      String error = at.error() == null ? "the attempt failed" : at.error();
      String firstLine = error.lines().findFirst().orElse(error);
      Matcher m = EXCEPTION.matcher(firstLine);
      boolean thrown = m.matches() && m.group(1).contains(".");
      AttributesBuilder e = Attributes.builder()
          .put("exception.type", thrown ? m.group(1) : "io.contrail.TaskFailure")
          .put("exception.message", Redaction.truncate(thrown ? m.group(2) : firstLine))
          .put("exception.stacktrace", Redaction.truncate(error));
      events.add(EventData.create(nanos(end), "exception", e.build()));
      status = StatusData.create(StatusCode.ERROR, Redaction.truncate(firstLine));
    }
    return new StoredSpan("task_attempt." + at.taskId(), context(run.traceId(), at.spanId(), ti.traceFlags()),
        context(run.traceId(), ti.spanId(), ti.traceFlags()), status, nanos(start), nanos(end), a.build(), events,
        List.of(), resources.apply(at.dagId()));
  }

  private static Instant endOf(Instant end, Instant start, Instant fallback) {
    return end != null ? end : start != null ? start : fallback;
  }

  static SpanContext context(String traceId, String spanId, int flags) {
    return SpanContext.create(traceId, spanId, flags(flags), TraceState.getDefault());
  }

  private static TraceFlags flags(int flags) {
    return TraceFlags.fromByte((byte) flags);
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
