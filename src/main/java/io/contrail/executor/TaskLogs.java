package io.contrail.executor;

import io.contrail.run.TaskInstanceKey;
import java.nio.file.Path;

/** Where each attempt's output lives: {@code logs/dag_id=D/run_id=R/task_id=T/attempt=N.log}. */
public final class TaskLogs {
  private TaskLogs() {}

  public static Path attemptLog(Path logsRoot, TaskInstanceKey key, int tryNumber) {
    return logsRoot.resolve("dag_id=" + key.dagId())
        .resolve("run_id=" + key.runId())
        .resolve("task_id=" + key.taskId())
        .resolve("attempt=" + tryNumber + ".log");
  }
}
