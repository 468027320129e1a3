package io.contrail.telemetry;

import io.contrail.config.ContrailConfig;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.metrics.Metrics;
import io.contrail.telemetry.metrics.MetricsTelemetry;
import io.contrail.telemetry.traces.TracesTelemetry;
import io.contrail.telemetry.traces.Tracing;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the telemetry of one process from the configuration: each enabled backend (traces,
 * metrics ...) joins a {@link CompositeTelemetry}; with none enabled it is {@link Telemetry#NOOP}.
 * Every SDK is built here, before the process opens its database, so a setting the SDK rejects
 * stops it first.
 */
public final class TelemetryFactory {
  /** The telemetry of a process, and its traces backend when it has one. */
  public record Built(Telemetry telemetry, Optional<TracesTelemetry> traces) {
    /** From now on the run, task and attempt spans finished on {@code source}'s database are shipped. */
    public void shipSpansFrom(Tracing.Source source) {
      traces.ifPresent(t -> t.shipSpansFrom(source));
    }
  }

  private TelemetryFactory() {}

  /**
   * @param runsTasks whether the process runs tasks: only then does it get a traces backend
   * @param masker masks what the backends export (span attributes and events, log records, metric attributes)
   */
  public static Built create(ContrailConfig config, OtelSettings otel, boolean runsTasks, SecretsMasker masker) {
    List<Telemetry> backends = new ArrayList<>();
    Optional<TracesTelemetry> traces = runsTasks ? TracesTelemetry.create(config, otel, masker) : Optional.empty();
    Optional<MetricsTelemetry> metrics;
    try {
      metrics = Metrics.create(config, otel, masker);
    } catch (RuntimeException e) {
      traces.ifPresent(TracesTelemetry::close);
      throw e;
    }
    traces.ifPresent(backends::add);
    metrics.ifPresent(backends::add);
    if (traces.isPresent() && metrics.isPresent()) {
      Tracing tracing = traces.get().tracing();
      metrics.get().selfMetrics().spansWaitingForExport(() -> tracing.stats().pendingSpans());
      metrics.get().selfMetrics().logRecordsDropped(tracing::logRecordsDropped);
    }
    return new Built(backends.isEmpty() ? Telemetry.NOOP : new CompositeTelemetry(backends), traces);
  }
}
