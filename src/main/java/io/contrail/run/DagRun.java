package io.contrail.run;

import java.time.Instant;

/**
 * One run of a DAG as stored in the metadata database: its key, its state, what it was created to
 * do ({@link RunSpec}), when it was queued, started and ended ({@link RunTimes}), and its trace
 * ({@link RunTrace}). Changes return new instances through the transitions of {@link RunState}.
 *
 * @param revision counts the user operations (clear, mark) applied to the run; the scheduler's
 *     start and finish are compare-and-sets on it as well as on the state, so a scheduler holding
 *     a copy from before a clear cannot finish the run the clear re-opened
 */
public record DagRun(RunKey key, RunState state, RunSpec spec, RunTimes times, RunTrace trace, int revision) {
  public DagRun {
    if (spec.origin().runAfter() == null && times != null) {
      // fixed when the run is made (a manual run's trigger time, else its data interval end), so a
      // clear that queues it again leaves it as it was, as Airflow's run_after
      Instant runAfter = spec.type() == RunType.MANUAL || spec.dataIntervalEnd() == null ? times.queuedAt()
          : spec.dataIntervalEnd();
      spec = new RunSpec(spec.type(), spec.logicalDate(), spec.dataIntervalStart(), spec.dataIntervalEnd(),
          spec.conf(), spec.origin().withRunAfter(runAfter));
    }
  }

  public DagRun(RunKey key, RunState state, RunSpec spec, RunTimes times, RunTrace trace) {
    this(key, state, spec, times, trace, 0);
  }

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

  /**
   * The earliest the run may start, as Airflow's {@code run_after}: a manual run's trigger time, a
   * scheduled or backfill run's data interval end.
   */
  public Instant runAfter() {
    return spec.origin().runAfter();
  }

  public boolean sampled() {
    return trace.sampled();
  }

  /** How often it was cleared after finishing (Airflow's clear_number): 0 for its first run. */
  public int clearNumber() {
    return trace.segment().clearNumber();
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
    return new DagRun(key, state, spec, times, new RunTrace(trace.span(), trace.parentSpanId(), loop, trace.segment()),
        revision);
  }

  /**
   * Tasks of this run were cleared (Airflow's clear_task_instances with dag_run_state queued): a
   * finished run goes back to queued, queued now, in a new trace segment; a queued or running run
   * stays as it is (its cleared tasks join its current segment).
   */
  public DagRun cleared(Instant now) {
    if (!state.isFinished()) {
      return this;
    }
    return reopened(RunState.QUEUED, new RunTimes(now, null, null),
        new RunSegment(clearNumber() + 1, TraceIds.newSpanId()));
  }

  /**
   * A user set the run's state (Airflow's set_dag_run_state_to_success / _failed / _queued). A
   * finished run whose span may have gone out already gets a new segment for the change.
   */
  public DagRun marked(RunState target, Instant now) {
    if (!state.canBeMarked(target)) {
      throw new IllegalStateException("run " + key + " cannot be marked " + target.id() + " (it is " + state.id() + ")");
    }
    RunTimes newTimes = target == RunState.QUEUED ? new RunTimes(now, null, null)
        : state.isFinished() ? new RunTimes(now, now, now)
        : new RunTimes(times.queuedAt(), times.startDate() == null ? now : times.startDate(), now);
    if (!state.isFinished()) {
      return new DagRun(key, target, spec, newTimes, trace, revision);
    }
    return reopened(target, newTimes, new RunSegment(clearNumber(), TraceIds.newSpanId()));
  }

  /** Whether this version of the run is in another trace segment than {@code before}. */
  public boolean opensSegmentAfter(DagRun before) {
    return !trace.currentSpanId().equals(before.trace.currentSpanId());
  }

  private DagRun reopened(RunState next, RunTimes newTimes, RunSegment segment) {
    return new DagRun(key, next, spec, newTimes, trace.withSegment(segment), revision);
  }

  private DagRun moveTo(RunState next, RunTimes newTimes) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException("run " + key + " cannot move from " + state.id() + " to " + next.id());
    }
    return new DagRun(key, next, spec, newTimes, trace, revision);
  }
}
