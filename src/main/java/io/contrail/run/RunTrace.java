package io.contrail.run;

/**
 * The trace of a run: the context of its {@code dag_run} root span; the caller's span id when the
 * run joined an existing trace (else null); the {@code scheduler.loop} span that created a
 * scheduled run (else null), which the run span links to; and the current {@link RunSegment}.
 */
public record RunTrace(TraceContext span, String parentSpanId, TraceContext createdBy, RunSegment segment) {
  public RunTrace {
    segment = segment == null ? RunSegment.ROOT : segment;
  }

  public RunTrace(TraceContext span, String parentSpanId, TraceContext createdBy) {
    this(span, parentSpanId, createdBy, RunSegment.ROOT);
  }

  public String traceId() {
    return span.traceId();
  }

  /** The root span's id. */
  public String spanId() {
    return span.spanId();
  }

  /** The span of the current segment: the root's, or the latest clear's. */
  public String currentSpanId() {
    return segment.isRoot() ? span.spanId() : segment.spanId();
  }

  public int flags() {
    return span.flags();
  }

  public boolean sampled() {
    return span.sampled();
  }

  public RunTrace withSegment(RunSegment next) {
    return new RunTrace(span, parentSpanId, createdBy, next);
  }
}
