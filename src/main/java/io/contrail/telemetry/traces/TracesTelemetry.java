package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.OtelSettings;
import io.contrail.telemetry.Telemetry;
import java.time.Duration;
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

  @Override
  public void schedulerLoop(Loop loop) {
    loops.record(loop);
  }

  /** Ships what is left for at most [traces] shutdown_flush_ms, then notes what stays in the database. */
  @Override
  public void close() {
    long left = tracing.close(Duration.ofMillis(flushMs));
    if (left > 0) {
      leftOver = left + (left == 1 ? " span waits" : " spans wait") + " in the database; they will be sent by the"
          + " next Contrail process that can reach " + tracing.endpoint();
    }
  }
}
