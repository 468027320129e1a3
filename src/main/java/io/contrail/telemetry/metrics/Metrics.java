package io.contrail.telemetry.metrics;

import io.contrail.config.ContrailConfig;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds the metrics backend of one process from [metrics]: StatsD (plain or DogStatsD), and one
 * OpenTelemetry meter read by OTLP and/or the Prometheus endpoint — any combination at once.
 * Empty when every backend is off (the default): metrics then cost nothing.
 */
public final class Metrics {
  /** The instrumentation scope of every Contrail metric. */
  public static final String SCOPE = io.contrail.telemetry.ContrailResource.SCOPE;

  private Metrics() {}

  /**
   * The metrics backend, or empty when every backend is off; {@code masker} masks every measurement's
   * attributes. Other telemetry reports its health
   * through {@link MetricsTelemetry#selfMetrics()} (e.g. spans waiting for export).
   */
  public static Optional<MetricsTelemetry> create(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    ContrailConfig.Metrics m = config.metrics();
    SelfMetrics self = new SelfMetrics();
    MetricFilter filter = new MetricFilter(m.metricsAllowList(), m.metricsBlockList());
    List<Stats> backends = new ArrayList<>();
    if (m.statsdOn()) {
      backends.add(new StatsdStats(new StatsdClient(m.statsdHost(), m.statsdPort(), self), m.statsdPrefix(),
          m.statsdDatadogTags(), m.legacyNamesOn(), filter, config.metricsTags(), self));
    }
    if (m.otelOn() || m.prometheusOn()) {
      OpenTelemetrySdk sdk = OtelMetricsSdk.build(config, otel, self);
      if (sdk != null) {
        backends.add(new OtelStats(sdk.getMeterProvider().meterBuilder(SCOPE)
            .setInstrumentationVersion(io.contrail.telemetry.ContrailResource.VERSION).build(), m.otelPrefix(), filter,
            config.metricsTags(), () -> sdk.shutdown().join(5, TimeUnit.SECONDS)));
      }
    }
    if (backends.isEmpty()) {
      return Optional.empty();
    }
    Stats stats = backends.size() == 1 ? backends.get(0) : new CompositeStats(backends);
    return Optional.of(new MetricsTelemetry(new MaskingStats(stats, masker), self));
  }
}
