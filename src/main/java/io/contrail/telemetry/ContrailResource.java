package io.contrail.telemetry;

import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The OpenTelemetry resource every span, metric and log record of this process carries:
 * service.name = otel_service, service.namespace = deployment_name, service.version = this
 * Contrail's version, a service.instance.id unique to the process, host and process attributes,
 * every {@code [metrics_tags]} entry — and then OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME,
 * which win, as in the SDK's autoconfiguration.
 */
public final class ContrailResource {
  /** One id per process, so gauges from several processes are told apart. */
  public static final String INSTANCE_ID = UUID.randomUUID().toString();
  /** This build's version (the Maven project version), also the version of every instrumentation scope. */
  public static final String VERSION = version();
  /** The one instrumentation scope name of every Contrail span, metric and log record. */
  public static final String SCOPE = "io.contrail";

  private ContrailResource() {}

  /**
   * The resource of this process's traces (and of the spans it records for the outbox): what the
   * SDK's autoconfiguration found, with Contrail's attributes over it.
   */
  public static Resource process(ContrailConfig config, OtelSettings otel) {
    return otel.resource().merge(create(config, config.traces().otelService(), otel.environment()));
  }

  private static String version() {
    try (java.io.InputStream in = ContrailResource.class.getResourceAsStream("/io/contrail/version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "");
      return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** @param serviceName otel_service, or the dag_id when service_per_dag is on */
  public static Resource create(ContrailConfig config, String serviceName, Environment env) {
    AttributesBuilder b = Attributes.builder()
        .put("service.name", serviceName)
        .put("service.namespace", config.core().deploymentName())
        .put("service.version", VERSION)
        .put("service.instance.id", INSTANCE_ID)
        .put("host.name", env.hostname())
        .put("process.pid", ProcessHandle.current().pid())
        .put("process.runtime.name", System.getProperty("java.runtime.name", "java"))
        .put("process.runtime.version", System.getProperty("java.runtime.version", ""));
    config.metricsTags().forEach(b::put);
    String fromEnv = env.get("OTEL_RESOURCE_ATTRIBUTES");
    if (fromEnv != null) {
      for (String pair : fromEnv.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          b.put(pair.substring(0, eq).trim(),
              URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8));
        }
      }
    }
    String service = env.get("OTEL_SERVICE_NAME");
    if (service != null && !service.isBlank()) {
      b.put("service.name", service);
    }
    return Resource.getDefault().merge(Resource.create(b.build()));
  }
}
