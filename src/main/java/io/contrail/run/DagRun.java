package io.contrail.run;

import java.time.Instant;

/**
 * One run of a DAG as stored in the metadata database: its key, its state, what it was created to
 * do ({@link RunSpec}), when it was queued, started and ended ({@link RunTimes}), and its trace
 * ({@link RunTrace}). Changes return new instances through the transitions of {@link RunState}.
 */
public record DagRun(RunKey key, RunState state, RunSpec spec, RunTimes times, RunTrace trace) {

  /** A new run, state queued. */
  public static DagRun queued(RunKey key, RunSpec spec, Instant queuedAt, RunTrace trace) {
    return new DagRun(key, RunState.QUEUED, spec, RunTimes.queued(queuedAt), trace);
  }

  public String dagId() {
    return key.dagId();
  }

  public String runId() {
    return key.runId();
  }

  public RunType runType() {
    return spec.type();
  }

  public boolean sampled() {
    return trace.sampled();
  }

  /** queued -> running: the scheduler started it. */
  public DagRun toRunning(Instant now) {
    return moveTo(RunState.RUNNING, new RunTimes(times.queuedAt(), now, null));
  }

  /** running -> success or failed: every task instance is finished. */
  public DagRun toFinished(RunState outcome, Instant now) {
    if (!outcome.isFinished()) {
      throw new IllegalArgumentException(outcome.id() + " is not a final run state");
    }
    return moveTo(outcome, new RunTimes(times.queuedAt(), times.startDate(), now));
  }

  /** This run, created by the scheduler loop span {@code loop}. */
  public DagRun createdBy(TraceContext loop) {
    return new DagRun(key, state, spec, times, new RunTrace(trace.span(), trace.parentSpanId(), loop));
  }

  private DagRun moveTo(RunState next, RunTimes newTimes) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException("run " + key + " cannot move from " + state.id() + " to " + next.id());
    }
    return new DagRun(key, next, spec, newTimes, trace);
  }
}
