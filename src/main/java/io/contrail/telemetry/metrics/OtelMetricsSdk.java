package io.contrail.telemetry.metrics;

import io.contrail.config.ConfigException;
import io.contrail.config.ContrailConfig;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this process's metrics SDK with the SDK's own autoconfiguration: contrail.cfg's [metrics]
 * values are the defaults, and OTEL_* environment variables (or otel.* system properties) win —
 * OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, OTEL_METRIC_EXPORT_INTERVAL,
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION=base2_exponential_bucket_histogram ...
 * Traces and logs are off here (they have their own pipeline). The resource is
 * {@link ContrailResource}.
 */
final class OtelMetricsSdk {
  private static final Logger LOG = LoggerFactory.getLogger(OtelMetricsSdk.class);

  private OtelMetricsSdk() {}

  /** The contrail.cfg defaults handed to autoconfiguration. */
  static Map<String, String> defaults(ContrailConfig.Metrics m, boolean otlp, boolean prometheus) {
    Map<String, String> p = new HashMap<>();
    List<String> exporters = new ArrayList<>();
    if (otlp) {
      exporters.add("otlp");
    }
    if (prometheus) {
      exporters.add("prometheus");
    }
    p.put("otel.metrics.exporter", exporters.isEmpty() ? "none" : String.join(",", exporters));
    p.put("otel.metric.export.interval", Long.toString(m.otelIntervalMilliseconds()));
    // the generic keys, so that OTEL_EXPORTER_OTLP_ENDPOINT in the environment still wins
    p.put("otel.exporter.otlp.endpoint", (m.otelSslActive() ? "https" : "http") + "://" + m.otelHost() + ":" + m.otelPort());
    p.put("otel.exporter.otlp.protocol", m.otelProtocol());
    p.put("otel.exporter.prometheus.port", Integer.toString(m.prometheusPort()));
    p.put("otel.exporter.prometheus.host", "0.0.0.0"); // a Prometheus in another container scrapes it
    return p;
  }

  /** The SDK, or null when it cannot start (logged; metrics then go to the other backends only). */
  /**
   * The SDK, or null when it cannot start (logged; metrics then go to the other backends only). A
   * setting the SDK rejects is a {@link io.contrail.config.ConfigException}: the process does not start.
   */
  static OpenTelemetrySdk build(ContrailConfig config, OtelSettings otel, SelfMetrics self) {
    ContrailConfig.Metrics m = config.metrics();
    try {
      return build(config, otel, defaults(m, m.otelOn(), m.prometheusOn()), self);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      if (m.prometheusOn() && m.otelOn()) {
        LOG.error("metrics: cannot start the Prometheus endpoint on port {} ({}); exporting OTLP only",
            m.prometheusPort(), e.toString());
        try {
          return build(config, otel, defaults(m, true, false), self);
        } catch (RuntimeException again) {
          e = again;
        }
      }
      LOG.error("metrics: cannot start the OpenTelemetry metrics SDK; OTLP/Prometheus metrics are off", e);
      return null;
    }
  }

  private static OpenTelemetrySdk build(ContrailConfig config, OtelSettings otel, Map<String, String> defaults,
      SelfMetrics self) {
    // this SDK only carries metrics, whatever OTEL_TRACES_EXPORTER says for the traces pipeline
    return OtelSettings.build(() -> otel.sdk(defaults, Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "none"))
        .addResourceCustomizer((r, c) -> ContrailResource.create(config, config.traces().otelService(), otel.environment()))
        .addMetricExporterCustomizer((exporter, c) -> new CountingMetricExporter(exporter, self)));
  }
}
