package io.contrail.telemetry.traces;

import io.contrail.api.Task;
import io.contrail.api.TaskContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** A Java task that records the span context current while it runs, then throws. */
public final class ThrowingTask implements Task {
  static volatile SpanContext seen;

  @Override
  public void execute(TaskContext context) {
    seen = Span.current().getSpanContext();
    throw new IllegalStateException("boom from java");
  }
}
