package io.contrail.run;

import java.time.Instant;

/**
 * One run of a DAG as stored in the metadata database. {@code traceId}/{@code spanId} name the
 * run's root span, {@code parentSpanId} the caller's span when the run joined an existing trace.
 * {@code creatorTraceId}/{@code creatorSpanId} name the {@code scheduler.loop} span that created a
 * scheduled run (null for other runs); the run span links to it.
 *
 * @param conf the run's configuration as a JSON object text
 */
public record DagRun(
    String dagId,
    String runId,
    RunType runType,
    RunState state,
    Instant logicalDate,
    Instant dataIntervalStart,
    Instant dataIntervalEnd,
    String conf,
    Instant queuedAt,
    Instant startDate,
    Instant endDate,
    String traceId,
    String spanId,
    String parentSpanId,
    int traceFlags,
    String creatorTraceId,
    String creatorSpanId) {

  public RunKey key() {
    return new RunKey(dagId, runId);
  }

  /** This run, created by the scheduler loop span {@code traceId}/{@code spanId}. */
  public DagRun withCreator(String traceId, String spanId) {
    return new DagRun(dagId, runId, runType, state, logicalDate, dataIntervalStart, dataIntervalEnd, conf,
        queuedAt, startDate, endDate, this.traceId, this.spanId, parentSpanId, traceFlags, traceId, spanId);
  }

  public boolean sampled() {
    return (traceFlags & TraceIds.SAMPLED) != 0;
  }
}
