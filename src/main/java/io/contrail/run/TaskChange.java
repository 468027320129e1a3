package io.contrail.run;

/**
 * One state change of a task instance: the row as it is stored now ({@code before}), the row to
 * write over it ({@code after}), and the attempt row to record in the same transaction (null for
 * none). Decisions produce lists of them, the stores write them as compare-and-sets, and whoever
 * applied one reports it — one record all the way, so nothing is matched up by position.
 */
public record TaskChange(TaskInstance before, TaskInstance after, TaskAttempt attempt) {
  public static TaskChange of(TaskInstance before, TaskInstance after) {
    return new TaskChange(before, after, null);
  }

  public TaskInstanceKey key() {
    return after.key();
  }
}
