package io.contrail.operations;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.Ids;
import io.contrail.run.RunKey;
import io.contrail.run.RunSpec;
import io.contrail.run.RunTrace;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskProfile;
import io.contrail.run.TraceContext;
import io.contrail.run.TraceIds;
import io.contrail.schedule.DataInterval;
import io.contrail.schedule.RunIds;
import io.contrail.storage.Json;
import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a new DAG run and its task instances, with trace ids allocated now: a fresh trace, or the
 * caller's trace when a W3C {@code traceparent} is given (request or conf key). The sampling
 * decision is the configured SDK sampler's, stored as trace flags; conf
 * {@code contrail.trace_sampled} overrides it. Pure: no database, no clock of its own.
 */
final class RunPlanner {
  /** A run plus the task instances to create with it. */
  record NewRun(DagRun run, List<TaskInstance> taskInstances) {}

  private final Sampler sampler;

  RunPlanner(Sampler sampler) {
    this.sampler = sampler;
  }

  NewRun plan(Dag dag, RunRequest request, Instant now) {
    Map<String, Object> conf = Json.readObject(request.conf());
    String traceparent = request.traceparent();
    if (traceparent == null && conf.get("traceparent") instanceof String s) {
      traceparent = s;
    }
    Optional<TraceContext> parent = Optional.empty();
    if (traceparent != null) {
      String given = traceparent;
      parent = Optional.of(TraceContexts.parse(given).orElseThrow(() -> new IllegalArgumentException(
          "traceparent '" + given + "' is not a W3C traceparent (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>)")));
    }
    String traceId = parent.map(TraceContext::traceId).orElseGet(TraceIds::newTraceId);
    int flags = sampled(dag, traceId, parent) ? TraceContext.SAMPLED : 0;
    Object forced = conf.get("contrail.trace_sampled");
    if (forced != null) {
      flags = Boolean.parseBoolean(String.valueOf(forced)) ? TraceContext.SAMPLED : 0;
    }
    DataInterval interval = request.interval();
    Instant logicalDate = interval == null ? now : interval.logicalDate();
    // every run id, given or generated, passes the one check: it becomes part of log paths; a
    // manual run's id names when it was triggered, also when the user named its logical date
    String runId = Ids.runId(request.runId() == null || request.runId().isBlank()
        ? RunIds.of(request.type(), interval == null || request.type() == RunType.MANUAL ? now : logicalDate)
        : request.runId());
    RunKey key = new RunKey(dag.dagId(), runId);
    RunSpec spec = new RunSpec(request.type(), logicalDate, interval == null ? logicalDate : interval.start(),
        interval == null ? logicalDate : interval.end(), conf.isEmpty() ? null : Json.write(conf), request.origin());
    RunTrace trace = new RunTrace(new TraceContext(traceId, TraceIds.newSpanId(), flags),
        parent.map(TraceContext::spanId).orElse(null), request.createdBy());
    DagRun run = DagRun.queued(key, spec, now, trace);
    Map<String, Integer> priorities = dag.effectivePriorities();
    List<TaskInstance> tis = new ArrayList<>();
    for (TaskDefinition t : dag.tasks()) {
      TaskProfile profile = new TaskProfile(t.type(), t.queueing().pool(), t.queueing().poolSlots(),
          priorities.get(t.taskId()), t.queueing().queue());
      tis.add(TaskInstance.create(new TaskInstanceKey(dag.dagId(), runId, t.taskId()), profile, t.maxTries(), flags));
    }
    return new NewRun(run, tis);
  }

  /** The SDK sampler's decision for the run's root span, with the caller's span as parent if any. */
  private boolean sampled(Dag dag, String traceId, Optional<TraceContext> parent) {
    Context parentContext = parent.map(TraceContexts::remoteParent).orElse(Context.root());
    return sampler.shouldSample(parentContext, traceId, "dag_run." + dag.dagId(), SpanKind.INTERNAL,
        Attributes.empty(), List.of()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
  }
}
