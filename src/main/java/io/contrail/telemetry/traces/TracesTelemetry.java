package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.telemetry.OtelSettings;
import io.contrail.telemetry.Telemetry;
import io.contrail.run.CallbackRequest;
import io.contrail.run.TraceContext;
import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The traces backend of the telemetry seam. Run, task and attempt spans are not built here but by
 * the {@link OutboxExporter} from the database once their rows are final: this class only tells it
 * to look now. Scheduler loops become {@code scheduler.loop} spans directly.
 */
public final class TracesTelemetry implements Telemetry {
  private final Tracing tracing;
  private final LoopSpans loops;

  TracesTelemetry(Tracing tracing, ContrailConfig.Traces traces) {
    this.tracing = tracing;
    this.loops = new LoopSpans(tracing.tracer("io.contrail.scheduler"),
        traces.schedulerSpans(), traces.slowLoopThresholdMs());
  }

  /**
   * The backend of a process that runs tasks, when {@code [traces] otel_on}; it ships run spans
   * once {@link #shipSpansFrom} names their database.
   */
  public static Optional<TracesTelemetry> create(ContrailConfig config, OtelSettings otel) {
    if (!config.traces().otelOn()) {
      return Optional.empty();
    }
    return Optional.of(new TracesTelemetry(Tracing.open(config, otel), config.traces()));
  }

  /** Starts the outbox exporter: the spans of what finishes on {@code source}'s database are shipped. */
  public void shipSpansFrom(Tracing.Source source) {
    tracing.withSource(source).startOutbox();
  }

  public Tracing tracing() {
    return tracing;
  }

  @Override
  public void runStateChanged(DagRun run, RunState from, RunState to) {
    if (to.isFinished()) {
      tracing.poke();
    }
  }

  @Override
  public void taskStateChanged(TaskInstance before, TaskInstance after) {
    if (after.state().isFinished()) {
      tracing.poke();
    }
  }

  @Override
  public void attemptFinished(TaskInstance ti, TaskAttempt attempt) {
    tracing.poke();
    tracing.attemptFinished(ti, attempt);
  }

  /**
   * A callback's span is started and ended live (like scheduler loop spans), as a child of the
   * stored span it concerns; the callback's own process joins it through TRACEPARENT.
   */
  @Override
  public CallbackSpan callbackStarted(CallbackRequest request, Instant start) {
    if (!request.concerns().sampled()) {
      return CallbackSpan.NONE;
    }
    Span span = tracing.tracer("io.contrail.callbacks").spanBuilder("callback." + request.kind().id())
        .setParent(TraceContexts.remoteParent(request.concerns()))
        .setStartTimestamp(start)
        .setAttribute("contrail.dag_id", request.run().dagId())
        .setAttribute("contrail.run_id", request.run().runId())
        .setAttribute("contrail.callback.kind", request.kind().id())
        .setAttribute("contrail.state", request.state())
        .startSpan();
    if (request.taskId() != null) {
      span.setAttribute("contrail.task_id", request.taskId());
      span.setAttribute("contrail.try_number", (long) request.tryNumber());
    }
    SpanContext c = span.getSpanContext();
    String traceparent = TraceContexts.traceparent(new TraceContext(c.getTraceId(), c.getSpanId(),
        c.getTraceFlags().asByte()));
    return new CallbackSpan() {
      @Override
      public String traceparent() {
        return traceparent;
      }

      @Override
      public void ended(Instant end, boolean succeeded, String error) {
        if (!succeeded) {
          span.setStatus(StatusCode.ERROR, error == null ? "callback failed" : Redaction.truncate(error));
        }
        span.end(end);
      }
    };
  }

  @Override
  public void schedulerLoop(Loop loop) {
    loops.record(loop);
  }

  @Override
  public void close() {
    tracing.close(Duration.ofSeconds(10));
  }
}
