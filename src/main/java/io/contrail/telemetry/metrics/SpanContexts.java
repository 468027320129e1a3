package io.contrail.telemetry.metrics;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;

/**
 * A Context holding the span named by ids stored on a run, task instance or attempt row, so that a
 * histogram measurement recorded in it carries an exemplar pointing at that span.
 */
final class SpanContexts {
  private SpanContexts() {}

  static Context of(String traceId, String spanId, int traceFlags) {
    if (traceId == null || spanId == null) {
      return Context.root();
    }
    SpanContext sc = SpanContext.createFromRemoteParent(traceId, spanId,
        TraceFlags.fromByte((byte) traceFlags), TraceState.getDefault());
    return sc.isValid() ? Context.root().with(Span.wrap(sc)) : Context.root();
  }
}
