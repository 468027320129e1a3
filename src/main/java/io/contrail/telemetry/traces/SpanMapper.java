package io.contrail.telemetry.traces;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.Placement;
import io.contrail.run.RunSpec;
import io.contrail.run.RunState;
import io.contrail.run.RunTimes;
import io.contrail.run.RunTrace;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TaskTimes;
import io.contrail.run.TraceContext;
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
final class SpanMapper {
  private static final Pattern EXCEPTION = Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*): ?(.*)");
  static final AttributeKey<String> LINK_TYPE = AttributeKey.stringKey("contrail.link.type");

  private final Function<String, Resource> resources;

  /** @param resources the resource of a DAG's spans, by dag_id */
  SpanMapper(Function<String, Resource> resources) {
    this.resources = resources;
  }

  public static String runSpanName(String dagId) {
    return "dag_run." + dagId;
  }

  public SpanData runSpan(DagRun run) {
    return runSpan(run, List.of());
  }

  /**
   * The span of the run's segment {@code run} describes: the root {@code dag_run} span, or for a
   * re-run after a clear a {@code dag_run} span with {@code contrail.clear_number}, child of the
   * root. {@code stored} are the run's span events (those of this span are added).
   */
  public SpanData runSpan(DagRun run, Collection<SpanEvent> stored) {
    RunSpec spec = run.spec();
    RunTimes times = run.times();
    RunTrace trace = run.trace();
    AttributesBuilder a = Attributes.builder()
        .put("contrail.dag_id", run.dagId())
        .put("contrail.run_id", run.runId())
        .put("contrail.run_type", spec.type().id())
        .put("contrail.logical_date", spec.logicalDate().toString())
        .put("contrail.state", run.state().id());
    if (spec.dataIntervalStart() != null) {
      a.put("contrail.data_interval.start", spec.dataIntervalStart().toString());
    }
    if (spec.dataIntervalEnd() != null) {
      a.put("contrail.data_interval.end", spec.dataIntervalEnd().toString());
    }
    if (spec.conf() != null) {
      a.put("contrail.conf", Redaction.truncate(Json.write(Redaction.mask(Json.readObject(spec.conf())))));
    }
    List<EventData> events = new ArrayList<>();
    events.add(EventData.create(nanos(times.queuedAt()), "queued", Attributes.empty()));
    if (times.startDate() != null) {
      events.add(EventData.create(nanos(times.startDate()), "started", Attributes.empty()));
    }
    Instant end = endOf(times.endDate(), times.startDate(), times.queuedAt());
    String spanId = trace.currentSpanId();
    events.addAll(eventsOf(spanId, stored));
    events.add(EventData.create(nanos(end), "ended",
        Attributes.of(AttributeKey.stringKey("contrail.state"), run.state().id())));
    boolean root = trace.segment().isRoot();
    if (run.clearNumber() > 0 || !root) {
      a.put("contrail.clear_number", (long) run.clearNumber());
    }
    SpanContext parent = !root ? context(trace.traceId(), trace.spanId(), trace.flags())
        : trace.parentSpanId() == null ? SpanContext.getInvalid()
        : SpanContext.createFromRemoteParent(trace.traceId(), trace.parentSpanId(), flags(trace.flags()), TraceState.getDefault());
    StatusData status = run.state() == RunState.FAILED ? StatusData.create(StatusCode.ERROR, "run failed") : StatusData.unset();
    List<LinkData> links = new ArrayList<>();
    TraceContext creator = trace.createdBy();
    if (creator != null && root) {
      // the scheduler.loop span that created the run; it may not have been exported (scheduler_spans)
      links.add(LinkData.create(context(creator.traceId(), creator.spanId(), TraceContext.SAMPLED),
          Attributes.of(LINK_TYPE, "created_by")));
    }
    return new StoredSpan(runSpanName(run.dagId()), context(trace.traceId(), spanId, trace.flags()), parent,
        status, nanos(times.queuedAt()), nanos(end), a.build(), events, links, resources.apply(run.dagId()));
  }

  /**
   * @param siblings the run's task instances (for links to upstream task_run spans)
   * @param attempts the task instance's attempts (the span starts at the earliest of them when it
   *     was scheduled again for a retry)
   * @param dag the DAG definition, or null when it is gone (no trigger rule and links then)
   */
  public SpanData taskSpan(TaskInstance ti, DagRun run, Dag dag, Collection<TaskInstance> siblings,
      Collection<TaskAttempt> attempts) {
    return taskSpan(ti, run, dag, siblings, attempts, List.of());
  }

  /**
   * @param siblings the run's task instances, then the task_run spans clears replaced: an
   *     upstream link goes to the upstream task's span in the same segment, else its current one
   * @param attempts the tries of this task_run span
   * @param stored the run's span events (those of this span are added)
   */
  public SpanData taskSpan(TaskInstance ti, DagRun run, Dag dag, Collection<TaskInstance> siblings,
      Collection<TaskAttempt> attempts, Collection<SpanEvent> stored) {
    Optional<TaskDefinition> def = Optional.ofNullable(dag).flatMap(d -> d.tasks().stream()
        .filter(t -> t.taskId().equals(ti.taskId())).findFirst());
    AttributesBuilder a = Attributes.builder()
        .put("contrail.dag_id", ti.dagId())
        .put("contrail.run_id", ti.runId())
        .put("contrail.task_id", ti.taskId())
        .put("contrail.task_type", ti.profile().taskType())
        .put("contrail.state", ti.state().id())
        .put("contrail.try_number", (long) ti.tryNumber())
        .put("contrail.max_tries", (long) ti.tries().max())
        .put("contrail.pool", ti.profile().pool());
    def.ifPresent(d -> a.put("contrail.trigger_rule", d.triggerRule().name().toLowerCase(java.util.Locale.ROOT)));
    TaskTimes times = ti.times();
    Instant end = endOf(times.endDate(), times.startDate(),
        times.scheduledAt() != null ? times.scheduledAt() : run.times().queuedAt());
    Instant start = times.scheduledAt() != null ? times.scheduledAt() : end;
    for (TaskAttempt at : attempts) {
      if (at.startDate() != null && at.startDate().isBefore(start)) {
        start = at.startDate();
      }
    }
    if (times.queuedAt() != null && times.queuedAt().isBefore(start)) {
      start = times.queuedAt();
    }
    String parentSpan = parentOf(ti, run);
    List<LinkData> links = new ArrayList<>();
    if (def.isPresent()) {
      for (String up : def.get().dependsOn()) {
        TaskInstance u = upstreamIn(siblings, up, parentSpan, run);
        if (u != null) {
          links.add(LinkData.create(context(run.trace().traceId(), u.trace().spanId(), u.trace().flags()),
              Attributes.of(LINK_TYPE, "upstream")));
        }
      }
    }
    if (ti.trace().previousSpanId() != null) {
      // a cleared task instance's new task_run span follows the one the clear replaced
      links.add(LinkData.create(context(run.trace().traceId(), ti.trace().previousSpanId(), ti.trace().flags()),
          Attributes.of(LINK_TYPE, "previous")));
    }
    StatusData status = ti.state() == TaskState.FAILED ? StatusData.create(StatusCode.ERROR, "task failed") : StatusData.unset();
    return new StoredSpan("task_run." + ti.taskId(), context(run.trace().traceId(), ti.trace().spanId(), ti.trace().flags()),
        context(run.trace().traceId(), parentSpan, run.trace().flags()), status, nanos(start), nanos(end), a.build(),
        eventsOf(ti.trace().spanId(), stored), links, resources.apply(ti.dagId()));
  }

  public SpanData attemptSpan(TaskAttempt at, TaskInstance ti, DagRun run) {
    return attemptSpan(at, ti, run, List.of());
  }

  /** @param stored the run's span events (those of this span, a stop by a user, are added) */
  public SpanData attemptSpan(TaskAttempt at, TaskInstance ti, DagRun run, Collection<SpanEvent> stored) {
    AttributesBuilder a = Attributes.builder()
        .put("contrail.dag_id", at.dagId())
        .put("contrail.run_id", at.runId())
        .put("contrail.task_id", at.taskId())
        .put("contrail.try_number", (long) at.tryNumber())
        .put("contrail.state", at.state().id());
    Placement placement = at.placement();
    if (placement.executor() != null) {
      a.put("contrail.executor", placement.executor());
    }
    if (placement.hostname() != null) {
      a.put("host.name", placement.hostname());
    }
    if (placement.pid() != null) {
      a.put("process.pid", placement.pid());
    }
    if (at.status().exitCode() != null) {
      a.put("process.exit.code", (long) at.status().exitCode());
    }
    Instant end = endOf(at.endDate(), at.startDate(), ti.times().queuedAt());
    Instant start = at.startDate() != null ? at.startDate() : end;
    List<EventData> events = new ArrayList<>(eventsOf(at.spanId(), stored));
    StatusData status = StatusData.unset();
    if (at.state() == TaskState.FAILED) {
      String error = at.status().error() == null ? "the attempt failed" : at.status().error();
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
    return new StoredSpan("task_attempt." + at.taskId(), context(run.trace().traceId(), at.spanId(), ti.trace().flags()),
        context(run.trace().traceId(), at.taskSpanIdOr(ti.trace().spanId()), ti.trace().flags()), status, nanos(start), nanos(end), a.build(), events,
        List.of(), resources.apply(at.dagId()));
  }

  /** A task_run span's parent: the run segment it was cleared into, else the run's root span. */
  static String parentOf(TaskInstance ti, DagRun run) {
    return ti.trace().parentSpanId() != null ? ti.trace().parentSpanId() : run.trace().spanId();
  }

  /** The upstream task's span in the same segment ({@code parentSpan}) if there is one, else its first (current) one. */
  private static TaskInstance upstreamIn(Collection<TaskInstance> siblings, String taskId, String parentSpan, DagRun run) {
    TaskInstance first = null;
    for (TaskInstance s : siblings) {
      if (!s.taskId().equals(taskId)) {
        continue;
      }
      if (parentOf(s, run).equals(parentSpan)) {
        return s;
      }
      if (first == null) {
        first = s;
      }
    }
    return first;
  }

  /** The stored events of one span, as span events with their own time. */
  private static List<EventData> eventsOf(String spanId, Collection<SpanEvent> stored) {
    List<EventData> out = new ArrayList<>();
    for (SpanEvent e : stored) {
      if (e.spanId().equals(spanId)) {
        AttributesBuilder b = Attributes.builder();
        e.attributes().forEach((k, v) -> b.put(k, Redaction.truncate(v)));
        out.add(EventData.create(nanos(e.at()), e.name(), b.build()));
      }
    }
    return out;
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
