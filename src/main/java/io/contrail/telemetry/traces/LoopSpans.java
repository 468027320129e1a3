package io.contrail.telemetry.traces;

import io.contrail.telemetry.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Locale;

/**
 * {@code scheduler.loop} spans (roots) with one child per timed phase, per {@code scheduler_spans}:
 * off, slow (only loops slower than slow_loop_threshold_ms) or all. A phase's error is an
 * {@code exception} event on that phase's span, so a trace shows which step broke a loop. The loop
 * span has the ids in {@link Telemetry.Loop} (see {@link LoopIds}), which the runs the loop created
 * link to.
 */
final class LoopSpans {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoopSpans.class);
  enum Mode { OFF, SLOW, ALL }

  private final Tracer tracer;
  private final Mode mode;
  private final long slowThresholdMs;
  private boolean warned;

  LoopSpans(Tracer tracer, String mode, long slowThresholdMs) {
    this.tracer = tracer;
    this.mode = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
    this.slowThresholdMs = slowThresholdMs;
  }

  boolean wanted(Telemetry.Loop loop) {
    return switch (mode) {
      case OFF -> false;
      case ALL -> true;
      case SLOW -> loop.duration().toMillis() >= slowThresholdMs || loop.error() != null;
    };
  }

  void record(Telemetry.Loop loop) {
    if (!wanted(loop)) {
      return;
    }
    // the ids the scheduler allocated for this loop (and stored with the runs it created), through
    // the SDK's id generator: LoopIds must be the tracer provider's IdGenerator (TraceSdk sets it)
    Span root = LoopIds.withIds(loop.traceId(), loop.spanId(), () -> tracer.spanBuilder("scheduler.loop")
        .setNoParent().setStartTimestamp(loop.start())
        .setAttribute("contrail.loop.phases", (long) loop.phases().size()).startSpan());
    if (loop.spanId() != null && !warned && root.getSpanContext().isValid()
        && !loop.spanId().equals(root.getSpanContext().getSpanId())) {
      warned = true;
      LOG.warn("scheduler.loop spans do not get the loop's allocated ids (the tracer provider's id"
          + " generator is not LoopIds); links from scheduled runs to their loop will dangle");
    }
    Context parent = Context.root().with(root);
    for (Telemetry.LoopPhase p : loop.phases()) {
      Span child = tracer.spanBuilder(p.name()).setParent(parent).setStartTimestamp(p.start()).startSpan();
      if (p.error() != null) {
        child.recordException(p.error());
        child.setStatus(StatusCode.ERROR, String.valueOf(p.error().getMessage()));
      }
      child.end(p.end());
    }
    if (loop.error() != null) {
      root.setStatus(StatusCode.ERROR, String.valueOf(loop.error().getMessage()));
    }
    root.end(loop.end());
  }
}
