package io.contrail.operations;

import io.contrail.run.DagRun;
import io.contrail.run.RunChange;
import io.contrail.run.TaskChange;
import java.util.List;

/**
 * What a clear or mark changed — or, for a dry run, would change: one {@link RunChange} per run
 * touched, each with its task instances before and after. The CLI's confirmation prompt lists
 * it; the REST API answers with the task instances (and run) it names.
 */
public record OperationResult(List<RunChange> runs, boolean applied) {
  public OperationResult {
    runs = List.copyOf(runs);
  }

  /** Every task instance change, run by run. */
  public List<TaskChange> taskChanges() {
    return runs.stream().flatMap(r -> r.tasks().stream()).toList();
  }

  /** The runs as they are after the operation (as they would be, for a dry run). */
  public List<DagRun> runsAfter() {
    return runs.stream().map(RunChange::after).toList();
  }

  public boolean isEmpty() {
    return runs.stream().allMatch(RunChange::isEmpty);
  }
}
