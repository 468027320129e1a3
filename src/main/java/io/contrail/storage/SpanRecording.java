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
 */
public record SpanRecording(boolean on, Supplier<String> resourceAttributes) {
  public static final SpanRecording OFF = new SpanRecording(false, () -> null);

  public SpanRecording {
    Objects.requireNonNull(resourceAttributes, "resourceAttributes");
  }

  /** Recording on, with this resource. */
  public static SpanRecording of(Supplier<String> resourceAttributes) {
    return new SpanRecording(true, resourceAttributes);
  }
}
