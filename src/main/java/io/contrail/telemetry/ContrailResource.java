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
 * service.name = otel_service, service.namespace = deployment_name, a service.instance.id unique
 * to the process, host and process attributes, every {@code [metrics_tags]} entry — and then
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME, which win, as in the SDK's autoconfiguration.
 */
public final class ContrailResource {
  /** One id per process, so gauges from several processes are told apart. */
  public static final String INSTANCE_ID = UUID.randomUUID().toString();

  private ContrailResource() {}

  /** @param serviceName otel_service, or the dag_id when service_per_dag is on */
  public static Resource create(ContrailConfig config, String serviceName, Environment env) {
    AttributesBuilder b = Attributes.builder()
        .put("service.name", serviceName)
        .put("service.namespace", config.core().deploymentName())
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
