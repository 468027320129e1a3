package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
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
  private final long flushMs;
  private volatile String leftOver;

  TracesTelemetry(Tracing tracing, ContrailConfig.Traces traces) {
    this.tracing = tracing;
    this.flushMs = traces.shutdownFlushMs();
    this.loops = new LoopSpans(tracing.tracer(),
        traces.schedulerSpans(), traces.slowLoopThresholdMs(), tracing.masker());
  }

  /**
   * The backend of a process that runs tasks, when {@code [traces] otel_on}; it ships run spans
   * once {@link #shipSpansFrom} names their database.
   */
  public static Optional<TracesTelemetry> create(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    if (!config.traces().otelOn()) {
      return Optional.empty();
    }
    return Optional.of(new TracesTelemetry(Tracing.open(config, otel, masker), config.traces()));
  }

  /** Starts the outbox exporter: the spans of what finishes on {@code source}'s database are shipped. */
  public void shipSpansFrom(Tracing.Source source) {
    tracing.withSource(source).startOutbox();
  }

  public Tracing tracing() {
    return tracing;
  }

  /** The outbox claims for this job from now on: declaring it dead releases its claims at once. */
  public void claimFor(long jobId) {
    tracing.claimFor(jobId);
  }

  /**
   * After {@link #close}: one line for the user when spans are left in the database, else empty.
   */
  public Optional<String> leftOver() {
    return Optional.ofNullable(leftOver);
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
    Span span = tracing.tracer().spanBuilder("callback." + request.kind().id())
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
          span.setStatus(StatusCode.ERROR, error == null ? "callback failed" : ValueLimits.truncate(error));
        }
        span.end(end);
      }
    };
  }

  @Override
  public void schedulerLoop(Loop loop) {
    loops.record(loop);
  }

  /** Ships what is left for at most [traces] shutdown_flush_ms, then notes what stays in the database. */
  @Override
  public void close() {
    long left = tracing.close(Duration.ofMillis(flushMs));
    String spans = left <= 0 ? null : left + (left == 1 ? " span waits" : " spans wait") + " in the database; they will"
        + " be sent by the next Contrail process that can reach " + tracing.endpoint();
    long files = tracing.logFilesLeft();
    String logs = files <= 0 ? null : "log lines of " + files + " file(s) wait (their offsets are in the database);"
        + " they will be sent by the next Contrail process on this host that can reach " + tracing.logEndpoint();
    leftOver = spans == null ? logs : logs == null ? spans : spans + "\n" + logs;
  }
}
