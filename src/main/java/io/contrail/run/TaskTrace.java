package io.contrail.run;

/**
 * The spans of a task instance: its {@code task_run} span, the {@code task_attempt} span of its
 * current try (null before the first try), and the run's trace flags. A cleared (or re-marked)
 * task instance gets a new task_run span: {@code parentSpanId} is then the run segment it belongs
 * to (null: the run's root span) and {@code previousSpanId} its earlier task_run span, which the
 * new one links to.
 */
public record TaskTrace(String spanId, String attemptSpanId, int flags, String parentSpanId, String previousSpanId) {
  public TaskTrace(String spanId, String attemptSpanId, int flags) {
    this(spanId, attemptSpanId, flags, null, null);
  }

  /** The run's sampled flag: only a sampled task instance has spans to export. */
  public boolean sampled() {
    return (flags & TraceContext.SAMPLED) != 0;
  }

  public TaskTrace withAttempt(String newAttemptSpanId) {
    return new TaskTrace(spanId, newAttemptSpanId, flags, parentSpanId, previousSpanId);
  }

  /** A new task_run span under {@code parent} (null: the run's root) that follows this one. */
  public TaskTrace nextSpan(String parent) {
    return new TaskTrace(TraceIds.newSpanId(), null, flags, parent, spanId);
  }

  /** The same span, now under {@code parent} (a task instance that had not started is moved to a new segment). */
  public TaskTrace under(String parent) {
    return new TaskTrace(spanId, attemptSpanId, flags, parent, previousSpanId);
  }
}
