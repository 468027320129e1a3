package io.contrail.run;

import java.util.Objects;

/**
 * The W3C trace context of one span: trace id, span id and trace flags, as stored with a run,
 * task instance or attempt row when it is created, so any process can later build that span with
 * the same ids and sampling decision.
 */
public record TraceContext(String traceId, String spanId, int flags) {
  /** The sampled bit of the W3C trace flags. */
  public static final int SAMPLED = 1;

  public TraceContext {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
  }

  /** A new trace with a new root span id. */
  public static TraceContext newTrace(int flags) {
    return new TraceContext(TraceIds.newTraceId(), TraceIds.newSpanId(), flags);
  }

  public boolean sampled() {
    return (flags & SAMPLED) != 0;
  }
}
