package io.contrail.run;

import java.time.Instant;
import java.util.Map;

/**
 * Something that happened to a span's subject after the fact — a user marked or stopped it, a run
 * missed its deadline — stored so that the span, built later from the database, carries it as a
 * span event.
 */
public record SpanEvent(RunKey run, String spanId, Instant at, String name, Map<String, String> attributes) {
  public SpanEvent {
    attributes = Map.copyOf(attributes);
  }
}
