package io.contrail.run;

/**
 * The trace of a run: the context of its {@code dag_run} span; the caller's span id when the run
 * joined an existing trace (else null); and the {@code scheduler.loop} span that created a
 * scheduled run (else null), which the run span links to.
 */
public record RunTrace(TraceContext span, String parentSpanId, TraceContext createdBy) {
  public String traceId() {
    return span.traceId();
  }

  public String spanId() {
    return span.spanId();
  }

  public int flags() {
    return span.flags();
  }

  public boolean sampled() {
    return span.sampled();
  }
}
