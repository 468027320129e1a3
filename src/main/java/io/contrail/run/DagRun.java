package io.contrail.run;

import java.time.Instant;

/**
 * One run of a DAG as stored in the metadata database. {@code traceId}/{@code spanId} name the
 * run's root span, {@code parentSpanId} the caller's span when the run joined an existing trace.
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
    int traceFlags) {

  public RunKey key() {
    return new RunKey(dagId, runId);
  }

  public boolean sampled() {
    return (traceFlags & TraceIds.SAMPLED) != 0;
  }
}
