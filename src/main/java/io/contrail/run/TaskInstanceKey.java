package io.contrail.run;

/** Identifies a task instance: one task in one run. */
public record TaskInstanceKey(String dagId, String runId, String taskId) {
  public RunKey runKey() {
    return new RunKey(dagId, runId);
  }

  @Override
  public String toString() {
    return dagId + "/" + runId + "/" + taskId;
  }
}
