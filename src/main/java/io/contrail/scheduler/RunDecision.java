package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import java.time.Instant;
import java.util.List;

/**
 * What the scheduler does with one running DAG run, decided from its task instances alone (no
 * database, no threads): which tasks become scheduled, skipped or upstream_failed, and whether the
 * run is finished. Decisions cascade within one call, so a failure marks the whole downstream
 * upstream_failed at once.
 *
 * @param changes the task instance changes to write, in the order they were decided
 * @param outcome the run's final state when every task is finished, else null
 * @param nextRetryAt the earliest time an up_for_retry task becomes runnable, else null
 */
record RunDecision(List<TaskChange> changes, RunState outcome,
    Instant nextRetryAt) {

  /** Decides a whole run from its stored task instances (every waiting task is evaluated). */
  public static RunDecision decide(Dag dag, List<TaskInstance> taskInstances, Instant now) {
    return RunProgress.of(null, dag, dag.downstreamMap(), taskInstances).decide(now);
  }
}
