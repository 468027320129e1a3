package io.contrail.run;

/** Identifies a task instance: one task in one run. {@link #of} checks ids a user gave, as {@link RunKey#of}. */
public record TaskInstanceKey(String dagId, String runId, String taskId) {
  /** The key of ids a user gave, each checked by {@link Ids}. */
  public static TaskInstanceKey of(String dagId, String runId, String taskId) {
    return new TaskInstanceKey(Ids.dagId(dagId), Ids.runId(runId), Ids.taskId(taskId));
  }

  public RunKey runKey() {
    return new RunKey(dagId, runId);
  }

  @Override
  public String toString() {
    return dagId + "/" + runId + "/" + taskId;
  }
}
