package io.contrail.operations;

import java.util.List;

/**
 * Which task instances of a run an operation touches, as Airflow selects them: the named tasks
 * (all when {@code taskIds} is null) with, optionally, everything upstream or downstream of them,
 * narrowed to failed (failed, upstream_failed) or running ones.
 */
public record TaskSelection(List<String> taskIds, boolean upstream, boolean downstream, boolean onlyFailed,
    boolean onlyRunning) {
  public TaskSelection {
    taskIds = taskIds == null ? null : List.copyOf(taskIds);
  }

  /** Every task of the run. */
  public static final TaskSelection ALL = new TaskSelection(null, false, false, false, false);

  public static TaskSelection tasks(List<String> ids) {
    return new TaskSelection(ids, false, false, false, false);
  }

  public TaskSelection withUpstream(boolean on) {
    return new TaskSelection(taskIds, on, downstream, onlyFailed, onlyRunning);
  }

  public TaskSelection withDownstream(boolean on) {
    return new TaskSelection(taskIds, upstream, on, onlyFailed, onlyRunning);
  }

  public TaskSelection onlyFailed(boolean on) {
    return new TaskSelection(taskIds, upstream, downstream, on, onlyRunning);
  }

  public TaskSelection onlyRunning(boolean on) {
    return new TaskSelection(taskIds, upstream, downstream, onlyFailed, on);
  }
}
