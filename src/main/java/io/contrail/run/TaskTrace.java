package io.contrail.run;

/**
 * The spans of a task instance: its {@code task_run} span, the {@code task_attempt} span of its
 * current try (null before the first try), and the run's trace flags.
 */
public record TaskTrace(String spanId, String attemptSpanId, int flags) {
  /** The run's sampled flag: only a sampled task instance has spans to export. */
  public boolean sampled() {
    return (flags & TraceContext.SAMPLED) != 0;
  }

  public TaskTrace withAttempt(String newAttemptSpanId) {
    return new TaskTrace(spanId, newAttemptSpanId, flags);
  }
}
