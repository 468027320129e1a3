package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.Database;
import io.contrail.telemetry.Telemetry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The traces backend of the telemetry seam. Run, task and attempt spans are not built here but by
 * the {@link OutboxExporter} from the database once their rows are final: this class only tells it
 * to look now. Scheduler loops become {@code scheduler.loop} spans directly.
 */
public final class TracesTelemetry implements Telemetry {
  /** Roles whose process ships finished spans from the database. */
  static final Set<String> EXPORTING_ROLES = Set.of("standalone", "scheduler", "dags_test", "backfill");

  private final Tracing tracing;
  private final LoopSpans loops;

  TracesTelemetry(Tracing tracing, ContrailConfig.Traces traces) {
    this.tracing = tracing;
    this.loops = new LoopSpans(tracing.sdk().sdk().getTracer("io.contrail.scheduler", "0.1.0"),
        traces.schedulerSpans(), traces.slowLoopThresholdMs());
  }

  /**
   * The backend when {@code [traces] otel_on} and the role runs DAGs; {@code database} is the
   * outbox (null: no run spans are shipped by this process).
   */
  public static Optional<Telemetry> create(ContrailConfig config, String role, Database database) {
    if (!config.traces().otelOn() || !EXPORTING_ROLES.contains(role)) {
      return Optional.empty();
    }
    Tracing tracing = Tracing.open(config, System.getenv(), database);
    tracing.startOutbox();
    return Optional.of(new TracesTelemetry(tracing, config.traces()));
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

  @Override
  public void schedulerLoop(Loop loop) {
    loops.record(loop);
  }

  @Override
  public void close() {
    tracing.close(Duration.ofSeconds(10));
  }

  static Map<String, String> env() {
    return System.getenv();
  }
}
