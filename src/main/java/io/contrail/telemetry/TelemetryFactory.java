package io.contrail.telemetry;

import io.contrail.config.ContrailConfig;
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
 */
public final class TelemetryFactory {
  private TelemetryFactory() {}

  /**
   * @param spans where this process ships finished spans from (a process that runs tasks), or null
   *     for one that runs none: it gets no traces backend
   */
  public static Telemetry create(ContrailConfig config, OtelSettings otel, Tracing.Source spans) {
    List<Telemetry> backends = new ArrayList<>();
    Optional<TracesTelemetry> traces = spans == null ? Optional.empty() : TracesTelemetry.create(config, otel, spans);
    Optional<MetricsTelemetry> metrics = Metrics.create(config, otel);
    traces.ifPresent(backends::add);
    metrics.ifPresent(backends::add);
    if (traces.isPresent() && metrics.isPresent()) {
      Tracing tracing = traces.get().tracing();
      metrics.get().selfMetrics().spansWaitingForExport(() -> tracing.stats().pendingSpans());
    }
    return backends.isEmpty() ? Telemetry.NOOP : new CompositeTelemetry(backends);
  }
}
