package io.contrail.telemetry.metrics;

import io.contrail.config.ConfigException;
import io.contrail.config.ContrailConfig;
import io.contrail.security.Listeners;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.net.BindException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this process's metrics SDK with the SDK's own autoconfiguration: contrail.cfg's [metrics]
 * values are the defaults, and OTEL_* environment variables (or otel.* system properties) win —
 * OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, OTEL_METRIC_EXPORT_INTERVAL,
 * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION (default from otel_histograms) ...
 * Traces and logs are off here (they have their own pipeline). The resource is
 * {@link ContrailResource}. A Prometheus port that cannot be bound costs the endpoint only.
 */
final class OtelMetricsSdk {
  private static final Logger LOG = LoggerFactory.getLogger(OtelMetricsSdk.class);
  private static final String EXPORTERS = "otel.metrics.exporter";
  private static final String PROMETHEUS_PORT = "otel.exporter.prometheus.port";

  private OtelMetricsSdk() {}

  /** The contrail.cfg defaults handed to autoconfiguration. */
  static Map<String, String> defaults(ContrailConfig.Metrics m) {
    Map<String, String> p = new HashMap<>();
    List<String> exporters = new ArrayList<>();
    if (m.otelOn()) {
      exporters.add("otlp");
    }
    if (m.prometheusOn()) {
      exporters.add("prometheus");
    }
    p.put(EXPORTERS, exporters.isEmpty() ? "none" : String.join(",", exporters));
    p.put("otel.metric.export.interval", Long.toString(m.otelIntervalMilliseconds()));
    // the generic keys, so that OTEL_EXPORTER_OTLP_ENDPOINT in the environment still wins
    p.put("otel.exporter.otlp.endpoint", (m.otelSslActive() ? "https" : "http") + "://" + m.otelHost() + ":" + m.otelPort());
    p.put("otel.exporter.otlp.protocol", m.otelProtocol());
    // OTLP only: the Prometheus text format has no exponential histograms, /metrics keeps the buckets
    p.put("otel.exporter.otlp.metrics.default.histogram.aggregation",
        m.otelHistograms().equals("explicit") ? "explicit_bucket_histogram" : "base2_exponential_bucket_histogram");
    p.put(PROMETHEUS_PORT, Integer.toString(m.prometheusPort()));
    // 127.0.0.1 unless configured: /metrics has no authentication (docs/security.md shows how a
    // Prometheus in a container reaches it)
    p.put("otel.exporter.prometheus.host", m.prometheusHost());
    return p;
  }

  /**
   * The SDK, or null when it cannot start (logged; metrics then go to the other backends only). A
   * setting the SDK rejects is a {@link io.contrail.config.ConfigException}: the process does not
   * start. A Prometheus port in use (another Contrail process serves it) is one warning: the process
   * goes on without the endpoint, exporting OTLP when that is on.
   */
  static OpenTelemetrySdk build(ContrailConfig config, OtelSettings otel, SelfMetrics self) {
    ContrailConfig.Metrics m = config.metrics();
    if (m.prometheusOn() && !Listeners.isLoopback(m.prometheusHost())) {
      LOG.warn("metrics: the Prometheus endpoint listens on {}:{} ([metrics] prometheus_host), which other machines"
          + " can reach, and it has no authentication: anyone there can read the metrics", m.prometheusHost(),
          m.prometheusPort());
    }
    AtomicReference<String> port = new AtomicReference<>();
    try {
      return OtelSettings.build(() -> builder(config, otel, self).addPropertiesCustomizer(c -> {
        port.set(c.getString(PROMETHEUS_PORT));
        return Map.of();
      }));
    } catch (RuntimeException e) {
      BindException bind = bindFailure(e);
      if (bind == null && e instanceof ConfigException) {
        throw e;
      }
      if (bind == null) {
        return off(e);
      }
      LOG.warn("metrics: cannot serve /metrics for Prometheus on port {} ({}); this process goes on without it",
          port.get(), bind.getMessage());
    }
    try {
      return OtelSettings.build(() -> builder(config, otel, self).addPropertiesCustomizer(c -> {
        List<String> exporters = new ArrayList<>(c.getList(EXPORTERS));
        exporters.remove("prometheus");
        return Map.of(EXPORTERS, exporters.isEmpty() ? "none" : String.join(",", exporters));
      }));
    } catch (RuntimeException e) {
      return off(e);
    }
  }

  private static OpenTelemetrySdk off(RuntimeException e) {
    LOG.error("metrics: cannot start the OpenTelemetry metrics SDK; OTLP and Prometheus metrics are off", e);
    return null;
  }

  private static AutoConfiguredOpenTelemetrySdkBuilder builder(ContrailConfig config, OtelSettings otel,
      SelfMetrics self) {
    // this SDK only carries metrics, whatever OTEL_TRACES_EXPORTER says for the traces pipeline
    return otel.sdk(defaults(config.metrics()), Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "none"))
        .addResourceCustomizer((r, c) -> ContrailResource.create(config, config.traces().otelService(), otel.environment()))
        .addMetricExporterCustomizer((exporter, c) -> new CountingMetricExporter(withoutRetries(exporter), self));
  }

  /** The BindException among the causes of {@code e}, or null. */
  private static BindException bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        return b;
      }
    }
    return null;
  }

  /**
   * The OTLP exporter without the SDK's retries: metrics are cumulative, so the next interval
   * sends what a failed export missed, and a process stopping while the collector is down exits
   * at once instead of retrying for seconds (issue #9, item 7).
   */
  private static MetricExporter withoutRetries(MetricExporter exporter) {
    MetricExporter rebuilt = exporter instanceof OtlpGrpcMetricExporter g ? g.toBuilder().setRetryPolicy(null).build()
        : exporter instanceof OtlpHttpMetricExporter h ? h.toBuilder().setRetryPolicy(null).build() : exporter;
    if (rebuilt != exporter) {
      exporter.shutdown();
    }
    return rebuilt;
  }
}
