package io.contrail.telemetry.traces;

import io.contrail.analysis.CriticalPath;
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
import io.contrail.run.TraceContext;
import io.contrail.secrets.SecretsMasker;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the span of a finished run, task instance or attempt from its stored row (DESIGN.md §6):
 * {@code dag_run.<dag_id>} → {@code task_run.<task_id>} → {@code task_attempt.<task_id>}, with the
 * stored ids and flags, the times {@link SpanTimes} derives and the resource of the process that
 * finished the row. A cleared run's re-runs are {@code dag_run} spans of their own (segments, with
 * {@code contrail.clear_number}) under the root, holding the task_run spans of their tries; a
 * task_run span a clear replaced is linked from its successor ({@code previous}); marks, stops and
 * missed deadlines are span events. Pure code over rows.
 */
final class SpanMapper {
  private static final Pattern EXCEPTION = Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*): ?(.*)");
  static final AttributeKey<String> LINK_TYPE = AttributeKey.stringKey("contrail.link.type");

  private SpanMapper() {}

  static String runSpanName(String dagId) {
    return "dag_run." + dagId;
  }

  /**
   * @param window from {@link SpanTimes#run()}
   * @param masker masks the conf attribute (by key, at any depth)
   */
  static SpanData runSpan(DagRun run, SpanTimes.Window window, Resource resource, SecretsMasker masker) {
    return runSpan(run, window, resource, masker, List.of());
  }

  /**
   * The span of the run's segment {@code run} describes: the root {@code dag_run} span, or for a
   * re-run after a clear a {@code dag_run} span with {@code contrail.clear_number}, child of the
   * root. {@code stored} are the run's span events (those of this span are added).
   */
  static SpanData runSpan(DagRun run, SpanTimes.Window window, Resource resource, SecretsMasker masker,
      Collection<SpanEvent> stored) {
    return runSpan(run, window, resource, masker, stored, null);
  }

  /**
   * As {@link #runSpan(DagRun, SpanTimes.Window, Resource, SecretsMasker, Collection)}, with the
   * segment's critical path as {@code contrail.critical_path.*} attributes (null or empty: none).
   */
  static SpanData runSpan(DagRun run, SpanTimes.Window window, Resource resource, SecretsMasker masker,
      Collection<SpanEvent> stored, CriticalPath criticalPath) {
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
      a.put("contrail.conf", ValueLimits.truncate(Json.write(masker.redact(Json.readObject(spec.conf())))));
    }
    List<EventData> events = new ArrayList<>();
    events.add(EventData.create(nanos(times.queuedAt()), "queued", Attributes.empty()));
    if (times.startDate() != null) {
      events.add(EventData.create(nanos(times.startDate()), "started", Attributes.empty()));
    }
    Instant end = window.end();
    String spanId = trace.currentSpanId();
    events.addAll(eventsOf(spanId, stored));
    events.add(EventData.create(nanos(end), "ended",
        Attributes.of(AttributeKey.stringKey("contrail.state"), run.state().id())));
    if (criticalPath != null && !criticalPath.steps().isEmpty()) {
      criticalPathAttributes(a, criticalPath);
    }
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
        status, nanos(window.start()), nanos(end), a.build(), events, links, resource);
  }

  /** The path in order: task ids, try numbers, each step's wait + run, the total, the longest wait. */
  private static void criticalPathAttributes(AttributesBuilder a, CriticalPath cp) {
    List<CriticalPath.Step> steps = cp.steps();
    a.put(AttributeKey.stringArrayKey("contrail.critical_path.task_ids"), cp.taskIds());
    a.put(AttributeKey.longArrayKey("contrail.critical_path.try_numbers"),
        steps.stream().map(s -> (long) s.tryNumber()).toList());
    a.put(AttributeKey.longArrayKey("contrail.critical_path.durations_ms"),
        steps.stream().map(CriticalPath.Step::durationMs).toList());
    a.put("contrail.critical_path.duration_ms", cp.totalMs());
    CriticalPath.Step wait = cp.longestWait();
    a.put("contrail.critical_path.longest_wait_task", wait.taskId());
    a.put("contrail.critical_path.longest_wait_ms", wait.waitingMs());
  }

  static SpanData taskSpan(TaskInstance ti, DagRun run, Dag dag, Collection<TaskInstance> siblings,
      SpanTimes.Window window, Resource resource) {
    return taskSpan(ti, run, dag, siblings, window, resource, List.of());
  }

  /**
   * @param siblings the run's task instances, then the task_run spans clears replaced: an
   *     upstream link goes to the upstream task's span in the same segment, else its current one
   * @param dag the DAG definition, or null when it is gone (no trigger rule and links then)
   * @param window from {@link SpanTimes#task}
   * @param stored the run's span events (those of this span are added)
   */
  static SpanData taskSpan(TaskInstance ti, DagRun run, Dag dag, Collection<TaskInstance> siblings,
      SpanTimes.Window window, Resource resource, Collection<SpanEvent> stored) {
    Optional<TaskDefinition> def = definition(dag, ti.taskId());
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
        context(run.trace().traceId(), parentSpan, run.trace().flags()), status, nanos(window.start()),
        nanos(window.end()), a.build(), eventsOf(ti.trace().spanId(), stored), links, resource);
  }

  /**
   * @param window from {@link SpanTimes#attempt}
   * @param masker masks the failure in the exception event and status
   */
  static SpanData attemptSpan(TaskAttempt at, TaskInstance ti, DagRun run, SpanTimes.Window window, Resource resource,
      SecretsMasker masker) {
    return attemptSpan(at, ti, run, window, resource, masker, List.of());
  }

  /** @param stored the run's span events (those of this span, a stop by a user, are added) */
  static SpanData attemptSpan(TaskAttempt at, TaskInstance ti, DagRun run, SpanTimes.Window window, Resource resource,
      SecretsMasker masker, Collection<SpanEvent> stored) {
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
    if (placement.jobId() != null) {
      a.put("contrail.job_id", placement.jobId()); // the scheduler's or the distributed worker's job that ran it
    }
    if (at.status().exitCode() != null) {
      a.put("process.exit.code", (long) at.status().exitCode());
    }
    Instant end = window.end();
    List<EventData> events = new ArrayList<>(eventsOf(at.spanId(), stored));
    StatusData status = StatusData.unset();
    if (at.state() == TaskState.FAILED) {
      String error = at.status().error() == null ? "the attempt failed" : masker.mask(at.status().error());
      String firstLine = error.lines().findFirst().orElse(error);
      Matcher m = EXCEPTION.matcher(firstLine);
      boolean thrown = m.matches() && m.group(1).contains(".");
      AttributesBuilder e = Attributes.builder()
          .put("exception.type", thrown ? m.group(1) : "io.contrail.TaskFailure")
          .put("exception.message", ValueLimits.truncate(thrown ? m.group(2) : firstLine))
          .put("exception.stacktrace", ValueLimits.truncate(error));
      events.add(EventData.create(nanos(end), "exception", e.build()));
      status = StatusData.create(StatusCode.ERROR, ValueLimits.truncate(firstLine));
    }
    return new StoredSpan("task_attempt." + at.taskId(), context(run.trace().traceId(), at.spanId(), ti.trace().flags()),
        context(run.trace().traceId(), at.taskSpanIdOr(ti.trace().spanId()), ti.trace().flags()), status,
        nanos(window.start()), nanos(end), a.build(), events, List.of(), resource);
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
        e.attributes().forEach((k, v) -> b.put(k, ValueLimits.truncate(v)));
        out.add(EventData.create(nanos(e.at()), e.name(), b.build()));
      }
    }
    return out;
  }

  /** The task's definition (a map lookup), empty when the DAG or the task is gone. */
  static Optional<TaskDefinition> definition(Dag dag, String taskId) {
    if (dag == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(dag.task(taskId));
    } catch (IllegalArgumentException removed) {
      return Optional.empty();
    }
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
