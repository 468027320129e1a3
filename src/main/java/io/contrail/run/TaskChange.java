package io.contrail.run;

import java.util.List;

/**
 * One state change of a task instance: the row as it is stored now ({@code before}), the row to
 * write over it ({@code after}), the attempt row to record in the same transaction (null for
 * none), the callbacks the change triggers (recorded in that transaction too), and the job in
 * whose name it is written ({@code writer}). Decisions produce lists of them, the stores write
 * them as compare-and-sets — on the stored state, try number and owning job id of
 * {@code before}, and only while the writer's job is still running — and whoever applied one
 * reports it: one record all the way, so nothing is matched up by position.
 *
 * @param writer the job writing the change, or null for a process that is no job (CLI commands);
 *     a job declared dead has every write refused
 */
public record TaskChange(TaskInstance before, TaskInstance after, TaskAttempt attempt,
    List<CallbackRequest> callbacks, Long writer) {
  public TaskChange {
    callbacks = callbacks == null ? List.of() : List.copyOf(callbacks);
  }

  public TaskChange(TaskInstance before, TaskInstance after, TaskAttempt attempt) {
    this(before, after, attempt, List.of(), null);
  }

  public static TaskChange of(TaskInstance before, TaskInstance after) {
    return new TaskChange(before, after, null, List.of(), null);
  }

  /** The same change, written in the name of {@code job}. */
  public TaskChange by(long job) {
    return new TaskChange(before, after, attempt, callbacks, job);
  }

  /** This change, also recording {@code more} callbacks. */
  public TaskChange withCallbacks(List<CallbackRequest> more) {
    return new TaskChange(before, after, attempt, more, writer);
  }

  public TaskInstanceKey key() {
    return after.key();
  }
}
