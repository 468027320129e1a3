package io.contrail.telemetry;

import io.contrail.config.ContrailConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the telemetry of one process from the configuration: each enabled backend (traces,
 * metrics ...) joins a {@link CompositeTelemetry}; with none enabled it is {@link Telemetry#NOOP}.
 */
public final class TelemetryFactory {
  private TelemetryFactory() {}

  /** @param role the process role (standalone, scheduler, dags_test, cli ...) */
  public static Telemetry create(ContrailConfig config, String role) {
    return create(config, role, null);
  }

  /** @param database the metadata database (the traces outbox), or null */
  public static Telemetry create(ContrailConfig config, String role, io.contrail.storage.Database database) {
    List<Telemetry> backends = new ArrayList<>();
    var traces = io.contrail.telemetry.traces.TracesTelemetry.create(config, role, database);
    var metrics = io.contrail.telemetry.metrics.Metrics.create(config);
    traces.ifPresent(backends::add);
    metrics.ifPresent(backends::add);
    if (traces.isPresent() && metrics.isPresent()) {
      var tracing = ((io.contrail.telemetry.traces.TracesTelemetry) traces.get()).tracing();
      metrics.get().selfMetrics().spansWaitingForExport(() -> tracing.stats().pendingSpans());
    }
    return backends.isEmpty() ? Telemetry.NOOP : new CompositeTelemetry(backends);
  }
}
