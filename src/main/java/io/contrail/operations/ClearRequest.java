package io.contrail.operations;

import java.time.Instant;
import java.util.Objects;

/**
 * A clear (Airflow's clear_task_instances): the task instances {@code tasks} selects, in one run
 * ({@code runId}) or in every run whose logical date is in [{@code from}, {@code to}] (runId
 * null). {@code resetRuns} takes finished runs back to queued (Airflow's reset_dag_runs, true by
 * default); {@code dryRun} only reports what would change.
 *
 * @param actor who asks, recorded on the spans the clear changes (e.g. {@code cli:alice@host})
 */
public record ClearRequest(String dagId, String runId, Instant from, Instant to, TaskSelection tasks,
    boolean resetRuns, boolean dryRun, String actor) {
  public ClearRequest {
    Objects.requireNonNull(dagId, "dagId");
    tasks = tasks == null ? TaskSelection.ALL : tasks;
  }

  /** Clears the selected task instances of one run. */
  public static ClearRequest ofRun(String dagId, String runId, TaskSelection tasks, String actor) {
    return new ClearRequest(dagId, runId, null, null, tasks, true, false, actor);
  }

  /** Clears the selected task instances of every run with a logical date in [from, to]. */
  public static ClearRequest between(String dagId, Instant from, Instant to, TaskSelection tasks, String actor) {
    return new ClearRequest(dagId, null, from, to, tasks, true, false, actor);
  }

  public ClearRequest dryRun(boolean on) {
    return new ClearRequest(dagId, runId, from, to, tasks, resetRuns, on, actor);
  }

  public ClearRequest resetRuns(boolean on) {
    return new ClearRequest(dagId, runId, from, to, tasks, on, dryRun, actor);
  }
}
