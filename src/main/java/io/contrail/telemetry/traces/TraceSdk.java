package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The OpenTelemetry SDK of the traces (and logs) backend, from the SDK's own autoconfiguration:
 * contrail.cfg's {@code [traces]} section supplies defaults, this process's OTEL settings win.
 * Metrics are off here (the metrics backend has its own SDK). The span exporters it configures are
 * captured for the database outbox.
 */
final class TraceSdk implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final Resource resource;
  private final SpanExporter exporter;

  private TraceSdk(OpenTelemetrySdk sdk, Resource resource, SpanExporter exporter) {
    this.sdk = sdk;
    this.resource = resource;
    this.exporter = exporter;
  }

  /** The otel.* defaults contrail.cfg implies. */
  static Map<String, String> defaults(ContrailConfig config) {
    ContrailConfig.Traces t = config.traces();
    Map<String, String> p = new HashMap<>();
    p.put("otel.traces.exporter", t.otelDebuggingOn() ? "otlp,console" : "otlp");
    p.put("otel.logs.exporter", config.logs().otelOn() ? "otlp" : "none");
    p.put("otel.exporter.otlp.protocol", t.otelProtocol());
    p.put("otel.exporter.otlp.endpoint", endpoint(t));
    p.put("otel.service.name", t.otelService());
    return p;
  }

  /** {@code http(s)://otel_host:otel_port}. */
  static String endpoint(ContrailConfig.Traces t) {
    return OtelSettings.endpoint(t.otelSslActive(), t.otelHost(), t.otelPort());
  }

  /** @param masker every exported log record's body and attributes pass through it */
  static TraceSdk open(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    List<SpanExporter> captured = new CopyOnWriteArrayList<>();
    Resource[] resource = new Resource[1];
    OpenTelemetrySdk sdk = OtelSettings.build(() -> otel.sdk(defaults(config), Map.of("otel.metrics.exporter", "none"))
        .addResourceCustomizer((r, cfg) -> {
          resource[0] = r.merge(ContrailResource.create(config, config.traces().otelService(), otel.environment()));
          return resource[0];
        })
        .addTracerProviderCustomizer((builder, cfg) -> builder.setIdGenerator(LoopIds.INSTANCE))
        .addSpanExporterCustomizer((exporter, cfg) -> {
          captured.add(exporter);
          return exporter;
        })
        .addLogRecordExporterCustomizer((exporter, cfg) -> new MaskingLogRecordExporter(exporter, masker)));
    SpanExporter exporter = captured.size() == 1 ? captured.get(0) : SpanExporter.composite(captured);
    return new TraceSdk(sdk, resource[0] != null ? resource[0] : Resource.getDefault(), exporter);
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** This process's resource (service.name = otel_service unless OTEL_SERVICE_NAME says otherwise). */
  Resource resource() {
    return resource;
  }

  /** The autoconfigured span exporter(s), for spans built from the database. */
  SpanExporter spanExporter() {
    return exporter;
  }

  @Override
  public void close() {
    sdk.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
