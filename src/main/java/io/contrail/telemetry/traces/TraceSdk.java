package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK of the traces (and logs) backend, from the SDK's own autoconfiguration:
 * contrail.cfg's {@code [traces]} section supplies defaults, this process's OTEL settings win.
 * Metrics are off here (the metrics backend has its own SDK). The span exporters it configures,
 * their timeout and their endpoint are captured for the database outbox.
 */
final class TraceSdk {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final OpenTelemetrySdk sdk;
  private final Resource resource;
  private final List<SpanExporter> exporters;
  private final Duration timeout;
  private final String endpoint;

  private final List<LogRecordExporter> logExporters;
  private final String logEndpoint;

  private TraceSdk(OpenTelemetrySdk sdk, Resource resource, List<SpanExporter> exporters, Duration timeout,
      String endpoint, List<LogRecordExporter> logExporters, String logEndpoint) {
    this.logExporters = logExporters;
    this.logEndpoint = logEndpoint;
    this.sdk = sdk;
    this.resource = resource;
    this.exporters = exporters;
    this.timeout = timeout;
    this.endpoint = endpoint;
  }

  /** The otel.* defaults contrail.cfg implies. */
  static Map<String, String> defaults(ContrailConfig config) {
    ContrailConfig.Traces t = config.traces();
    Map<String, String> p = new HashMap<>();
    p.put("otel.traces.exporter", t.otelDebuggingOn() ? "otlp,console" : "otlp");
    boolean logs = config.logs().otelOn();
    p.put("otel.logs.exporter", !logs ? "none" : t.otelDebuggingOn() ? "otlp,console" : "otlp");
    p.put("otel.exporter.otlp.protocol", t.otelProtocol());
    p.put("otel.exporter.otlp.endpoint", endpoint(t));
    p.put("otel.service.name", t.otelService());
    return p;
  }

  /**
   * The log-specific defaults of a {@code [logs]} section with an endpoint of its own: they apply
   * unless this process's OTEL settings name an endpoint or protocol, generic or for logs (which
   * then win, as everywhere). An OTLP/HTTP endpoint for one signal is taken as the whole URL, so
   * it gets /v1/logs here.
   */
  static Map<String, String> logDefaults(ContrailConfig config, Map<String, String> otelProperties) {
    ContrailConfig.Logs l = config.logs();
    ContrailConfig.Traces t = config.traces();
    Map<String, String> p = new HashMap<>();
    if (!l.ownEndpoint()) {
      return p;
    }
    String protocol = l.protocol(t);
    if (!otelProperties.containsKey("otel.exporter.otlp.protocol")) {
      p.put("otel.exporter.otlp.logs.protocol", protocol);
    }
    if (!otelProperties.containsKey("otel.exporter.otlp.endpoint")) {
      String base = OtelSettings.endpoint(l.sslActive(t), l.host(t), l.port(t));
      boolean http = otelProperties.getOrDefault("otel.exporter.otlp.logs.protocol",
          otelProperties.getOrDefault("otel.exporter.otlp.protocol", protocol)).startsWith("http");
      p.put("otel.exporter.otlp.logs.endpoint", http ? base + "/v1/logs" : base);
    }
    return p;
  }

  /** {@code http(s)://otel_host:otel_port}. */
  static String endpoint(ContrailConfig.Traces t) {
    return OtelSettings.endpoint(t.otelSslActive(), t.otelHost(), t.otelPort());
  }

  /** @param masker every exported log record's body and attributes pass through it */
  static TraceSdk open(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    List<SpanExporter> captured = new CopyOnWriteArrayList<>();
    List<LogRecordExporter> capturedLogs = new CopyOnWriteArrayList<>();
    String[] logEndpoint = {null};
    Map<String, String> defaults = defaults(config);
    defaults.putAll(logDefaults(config, otel.environment().otelProperties()));
    Resource resource = ContrailResource.process(config, otel);
    Duration[] timeout = {DEFAULT_TIMEOUT};
    String[] endpoint = {endpoint(config.traces())};
    OpenTelemetrySdk sdk = OtelSettings.build(() -> otel.sdk(defaults, Map.of("otel.metrics.exporter", "none"))
        .addResourceCustomizer((r, cfg) -> resource)
        .addTracerProviderCustomizer((builder, cfg) -> builder.setIdGenerator(LoopIds.INSTANCE))
        .addSpanExporterCustomizer((exporter, cfg) -> {
          captured.add(exporter);
          timeout[0] = cfg.getDuration("otel.exporter.otlp.traces.timeout",
              cfg.getDuration("otel.exporter.otlp.timeout", DEFAULT_TIMEOUT));
          endpoint[0] = tracesEndpoint(cfg, endpoint[0]);
          return exporter;
        })
        .addLogRecordExporterCustomizer((exporter, cfg) -> {
          // the log outbox delivers through these; nothing is emitted to the SDK's own log pipeline
          capturedLogs.add(exporter);
          logEndpoint[0] = hostPort(cfg.getString("otel.exporter.otlp.logs.endpoint",
              cfg.getString("otel.exporter.otlp.endpoint", endpoint(config.traces()))));
          return new MaskingLogRecordExporter(exporter, masker);
        }));
    return new TraceSdk(sdk, resource, List.copyOf(captured), timeout[0], endpoint[0], List.copyOf(capturedLogs),
        logEndpoint[0] == null ? endpoint[0] : logEndpoint[0]);
  }

  /** host:port of the OTLP traces endpoint in force, for messages. */
  private static String tracesEndpoint(ConfigProperties cfg, String fallback) {
    return hostPort(cfg.getString("otel.exporter.otlp.traces.endpoint", cfg.getString("otel.exporter.otlp.endpoint", fallback)));
  }

  private static String hostPort(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** This process's resource (service.name = otel_service unless OTEL_SERVICE_NAME says otherwise). */
  Resource resource() {
    return resource;
  }

  /** The autoconfigured span exporter(s), for spans built from the database. */
  List<SpanExporter> spanExporters() {
    return exporters;
  }

  /** The configured export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default). */
  Duration exportTimeout() {
    return timeout;
  }

  /** The autoconfigured log record exporter(s) (none with [logs] otel_on false), for the log outbox. */
  List<LogRecordExporter> logExporters() {
    return logExporters;
  }

  /** host:port the log records go to. */
  String logEndpoint() {
    return logEndpoint;
  }

  /** host:port the spans go to. */
  String endpoint() {
    return endpoint;
  }

  /** Shuts the SDK down, waiting at most {@code wait} for what it buffered (scheduler loop spans). */
  void close(Duration wait) {
    sdk.shutdown().join(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
  }
}
