package io.contrail.scheduler;

import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunSampler;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TraceIds;
import io.contrail.schedule.DataInterval;
import io.contrail.schedule.RunIds;
import io.contrail.storage.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a new DAG run and its task instances, with trace ids allocated now: a fresh trace, or
 * the caller's trace when a W3C {@code traceparent} is given (argument or conf key). The sampling
 * decision (OTEL_TRACES_SAMPLER, parent-based always-on by default) is stored as trace flags;
 * conf {@code contrail.trace_sampled} overrides it.
 */
public final class RunFactory {
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  /** A run plus the task instances to create with it. */
  public record NewRun(DagRun run, List<TaskInstance> taskInstances) {}

  private RunFactory() {}

  /**
   * @param runId null to generate one from the run type
   * @param confJson the run conf as a JSON object text (null or blank for none)
   * @param traceparent the caller's span (W3C), or null
   */
  public static NewRun create(Dag dag, RunType type, String runId, Instant logicalDate,
      DataInterval interval, String confJson, String traceparent, Instant now) {
    return create(dag, type, runId, logicalDate, interval, confJson, traceparent, now,
        RunSampler.FROM_ENVIRONMENT);
  }

  /** As above, with the sampler that takes the sampling decision (conf can still override it). */
  public static NewRun create(Dag dag, RunType type, String runId, Instant logicalDate,
      DataInterval interval, String confJson, String traceparent, Instant now, RunSampler sampler) {
    Map<String, Object> conf = Json.readObject(confJson);
    if (traceparent == null && conf.get("traceparent") instanceof String s) {
      traceparent = s;
    }
    String traceId = TraceIds.newTraceId();
    String parentSpanId = null;
    Boolean parentSampled = null;
    if (traceparent != null) {
      Matcher m = TRACEPARENT.matcher(traceparent.trim().toLowerCase(java.util.Locale.ROOT));
      if (!m.matches() || m.group(1).matches("0+") || m.group(2).matches("0+")) {
        throw new IllegalArgumentException("traceparent '" + traceparent
            + "' is not a W3C traceparent (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>)");
      }
      traceId = m.group(1);
      parentSpanId = m.group(2);
      parentSampled = (Integer.parseInt(m.group(3), 16) & TraceIds.SAMPLED) != 0;
    }
    int flags = sampler.sample(traceId, parentSampled) ? TraceIds.SAMPLED : 0;
    Object sampled = conf.get("contrail.trace_sampled");
    if (sampled != null) {
      flags = Boolean.parseBoolean(String.valueOf(sampled)) ? TraceIds.SAMPLED : 0;
    }
    String id = runId == null || runId.isBlank()
        ? RunIds.of(type, type == RunType.MANUAL ? now : logicalDate) : runId;
    DataInterval di = interval == null ? new DataInterval(logicalDate, logicalDate) : interval;
    DagRun run = new DagRun(dag.dagId(), id, type, RunState.QUEUED, logicalDate, di.start(), di.end(),
        conf.isEmpty() ? null : Json.write(conf), now, null, null, traceId, TraceIds.newSpanId(),
        parentSpanId, flags, null, null);
    Map<String, Integer> priorities = dag.effectivePriorities();
    List<TaskInstance> tis = new ArrayList<>();
    for (TaskDefinition t : dag.tasks()) {
      tis.add(TaskInstance.create(dag.dagId(), id, t.taskId(), t.type().id(), t.maxTries(), t.pool(),
          t.poolSlots(), priorities.get(t.taskId()), flags));
    }
    return new NewRun(run, tis);
  }
}
