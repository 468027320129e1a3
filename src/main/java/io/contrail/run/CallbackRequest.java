package io.contrail.run;

import io.contrail.api.CallbackKind;
import java.time.Instant;

/**
 * A callback to run because something happened to a run or task instance, recorded in the same
 * transaction as that state change, so it runs once even when the process that made the change
 * dies right after. The callback itself comes from the DAG when it runs.
 *
 * @param taskId the task instance it concerns, or null for the run's own callbacks
 * @param state the state that triggered it (success, failed, up_for_retry, or the run's state)
 * @param error why the try failed (the {@code {{ exception }}} placeholder), or null
 * @param concerns the span it concerns: its {@code callback.<kind>} span becomes a child of it
 */
public record CallbackRequest(CallbackKind kind, RunKey run, String taskId, int tryNumber, String state,
    String error, TraceContext concerns, Instant requestedAt) {

  /** The callback of a task instance's try that just ended as {@code finished} (with that attempt). */
  public static CallbackRequest forTask(CallbackKind kind, TaskInstance finished, TaskAttempt attempt, String traceId,
      Instant at) {
    return new CallbackRequest(kind, finished.key().runKey(), finished.taskId(), finished.tryNumber(),
        finished.state().id(), attempt == null ? null : attempt.status().error(),
        new TraceContext(traceId, attempt != null ? attempt.spanId() : finished.trace().spanId(), finished.trace().flags()),
        at);
  }

  /** A callback of the run itself (its DAG's on_success, on_failure or on_deadline_missed). */
  public static CallbackRequest forRun(CallbackKind kind, DagRun run, Instant at) {
    return new CallbackRequest(kind, run.key(), null, 0, run.state().id(), null,
        new TraceContext(run.trace().traceId(), run.trace().currentSpanId(), run.trace().flags()), at);
  }
}
