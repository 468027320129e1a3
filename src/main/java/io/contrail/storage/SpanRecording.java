package io.contrail.storage;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether this process records finished spans in the outbox, and the resource it records them
 * with. With tracing on, every transaction that moves a sampled run, task instance or attempt to a
 * terminal state also inserts its outbox row and names this process's resource on the row; with
 * tracing off ({@link #OFF}) nothing is recorded, so turning tracing on later does not export
 * the history made meanwhile.
 *
 * @param resourceAttributes the process's OpenTelemetry resource in the stored form (see
 *     {@code StoredResources}); asked for once, when the first span is recorded
 * @param logs whether started tries are recorded in the log outbox too
 */
public record SpanRecording(boolean on, Supplier<String> resourceAttributes, boolean logs) {
  public static final SpanRecording OFF = new SpanRecording(false, () -> null, false);

  public SpanRecording {
    Objects.requireNonNull(resourceAttributes, "resourceAttributes");
  }

  public SpanRecording(boolean on, Supplier<String> resourceAttributes) {
    this(on, resourceAttributes, false);
  }

  /**
   * Also records, in the transaction that starts a sampled try, that its log is to be exported
   * ({@code [logs] otel_on}; see {@link LogOutbox}).
   */
  public SpanRecording withLogs(boolean on) {
    return new SpanRecording(this.on, resourceAttributes, on && this.on);
  }

  /** Recording on, with this resource. */
  public static SpanRecording of(Supplier<String> resourceAttributes) {
    return new SpanRecording(true, resourceAttributes);
  }
}
