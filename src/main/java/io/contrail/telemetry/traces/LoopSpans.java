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
 * {@code exception} event on that phase's span, so a trace shows which step broke a loop.
 */
final class LoopSpans {
  enum Mode { OFF, SLOW, ALL }

  private final Tracer tracer;
  private final Mode mode;
  private final long slowThresholdMs;

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
    Span root = tracer.spanBuilder("scheduler.loop").setNoParent().setStartTimestamp(loop.start())
        .setAttribute("contrail.loop.phases", (long) loop.phases().size()).startSpan();
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
