package io.contrail.telemetry.traces;

import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
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
  private final SecretsMasker masker;
  private boolean warned;

  /** @param masker masks the message and stack trace of a phase's exception event */
  LoopSpans(Tracer tracer, String mode, long slowThresholdMs, SecretsMasker masker) {
    this.tracer = tracer;
    this.masker = masker;
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
        child.addEvent("exception", exception(p.error()));
        child.setStatus(StatusCode.ERROR, masker.mask(String.valueOf(p.error().getMessage())));
      }
      child.end(p.end());
    }
    if (loop.error() != null) {
      root.setStatus(StatusCode.ERROR, masker.mask(String.valueOf(loop.error().getMessage())));
    }
    root.end(loop.end());
  }

  /** The attributes Span.recordException would give, with the message and stack trace masked. */
  private Attributes exception(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    AttributesBuilder b = Attributes.builder().put("exception.type", error.getClass().getName())
        .put("exception.stacktrace", ValueLimits.truncate(masker.mask(trace.toString())));
    if (error.getMessage() != null) {
      b.put("exception.message", ValueLimits.truncate(masker.mask(error.getMessage())));
    }
    return b.build();
  }
}
