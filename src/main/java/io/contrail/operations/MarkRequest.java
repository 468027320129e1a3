package io.contrail.operations;

import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import java.util.Objects;

/**
 * A user setting states, as Airflow's set_state and set_dag_run_state: one task instance (with its
 * upstream or downstream tasks when asked) to success, failed or skipped — or a whole run to
 * success, failed or queued. {@code dryRun} only reports what would change; {@code actor} is
 * recorded on the spans it changes.
 */
public final class MarkRequest {
  private MarkRequest() {}

  /** Marks a task instance (and, when asked, its relatives in the same run). */
  public record Task(TaskInstanceKey key, TaskState state, boolean upstream, boolean downstream, boolean dryRun,
      String actor) {
    public Task {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(state, "state");
    }

    public static Task of(TaskInstanceKey key, TaskState state, String actor) {
      return new Task(key, state, false, false, false, actor);
    }

    public Task withDownstream(boolean on) {
      return new Task(key, state, upstream, on, dryRun, actor);
    }

    public Task withUpstream(boolean on) {
      return new Task(key, state, on, downstream, dryRun, actor);
    }

    public Task dryRun(boolean on) {
      return new Task(key, state, upstream, downstream, on, actor);
    }
  }

  /** Marks a run: its running tasks get the state too, the rest that has not finished is skipped. */
  public record Run(RunKey key, RunState state, boolean dryRun, String actor) {
    public Run {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(state, "state");
    }

    public static Run of(RunKey key, RunState state, String actor) {
      return new Run(key, state, false, actor);
    }

    public Run dryRun(boolean on) {
      return new Run(key, state, on, actor);
    }
  }
}
