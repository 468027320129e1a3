package io.contrail.telemetry;

import io.contrail.run.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Between the trace contexts stored on rows and OpenTelemetry: W3C {@code traceparent} text read
 * and written by the SDK's {@link W3CTraceContextPropagator}, and the OTel {@link Context} holding a
 * stored span as remote parent (for Java tasks, outgoing requests, exemplars and log records).
 */
public final class TraceContexts {
  private static final String HEADER = "traceparent";
  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private TraceContexts() {}

  /** The span a W3C traceparent names; empty when the text is not a valid traceparent. */
  public static Optional<TraceContext> parse(String traceparent) {
    if (traceparent == null) {
      return Optional.empty();
    }
    Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(),
        Map.of(HEADER, traceparent.trim().toLowerCase(Locale.ROOT)), GETTER);
    SpanContext sc = Span.fromContext(extracted).getSpanContext();
    return sc.isValid()
        ? Optional.of(new TraceContext(sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte() & 0xff))
        : Optional.empty();
  }

  /** The W3C traceparent header naming the span. */
  public static String traceparent(TraceContext span) {
    Map<String, String> headers = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(remoteParent(span), headers, Map::put);
    return headers.get(HEADER);
  }

  /** A Context whose current span is the stored one (as a remote parent); root when the ids are invalid. */
  public static Context remoteParent(TraceContext span) {
    return span == null ? Context.root() : remoteParent(span.traceId(), span.spanId(), span.flags());
  }

  public static Context remoteParent(String traceId, String spanId, int flags) {
    if (traceId == null || spanId == null) {
      return Context.root();
    }
    SpanContext sc = SpanContext.createFromRemoteParent(traceId, spanId, TraceFlags.fromByte((byte) flags),
        TraceState.getDefault());
    return sc.isValid() ? Context.root().with(Span.wrap(sc)) : Context.root();
  }
}
