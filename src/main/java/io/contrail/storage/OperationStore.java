package io.contrail.storage;

import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.SpanEvent;
import java.time.Instant;
import java.util.List;

/**
 * What operating runs writes beyond the scheduler's own changes: a user's clear or mark of a run
 * as one all-or-nothing set of compare-and-sets, deletions, and deadlines that fire once.
 */
public interface OperationStore {
  /**
   * Writes the change in one transaction if the run and every task instance are still as its
   * {@code before}s say; false, writing nothing, when any of them changed meanwhile.
   */
  boolean apply(RunChange change);

  /** Deletes the run with its task instances, attempts, spans kept and callbacks, if it is still in {@code run}'s state. */
  boolean deleteRun(DagRun run);

  /** What a DAG's deletion did: false {@code deleted} when it had running task instances (nothing is deleted then). */
  record DagDeletion(boolean deleted, int runs) {}

  /** Deletes the DAG, its runs and everything in them, and the import errors of its file. */
  DagDeletion deleteDag(String dagId);

  /** Runs of the DAG whose logical date is in [from, to] (either may be null: open), oldest first. */
  List<DagRun> runsBetween(String dagId, Instant from, Instant to);

  /** Runs still queued or running whose deadline has passed by {@code now}. */
  List<DagRun> dueDeadlines(Instant now, int limit);

  /**
   * Records that the run missed its deadline, with the span event and callbacks that go with it;
   * false when another process recorded it first (so it happens once).
   */
  boolean deadlineMissed(DagRun run, Instant now, SpanEvent event, List<CallbackRequest> callbacks);
}
