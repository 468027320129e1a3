package io.contrail.run;

/**
 * How one try stands: running, success or failed; for a finished try its exit code (shell tasks)
 * and, for a failure, why (for a thrown exception "type: message" and its stack trace).
 */
public record AttemptStatus(TaskState state, Integer exitCode, String error) {
  public static final AttemptStatus RUNNING = new AttemptStatus(TaskState.RUNNING, null, null);

  public static AttemptStatus succeeded(Integer exitCode) {
    return new AttemptStatus(TaskState.SUCCESS, exitCode, null);
  }

  public static AttemptStatus failed(Integer exitCode, String error) {
    return new AttemptStatus(TaskState.FAILED, exitCode, error);
  }
}
