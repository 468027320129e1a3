package io.contrail.roles;

import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.secrets.SecretsMasker;

/**
 * The secrets a process knows from the start, registered with its masker before anything is
 * printed: the configured database password and the password of the database URL, the configured
 * API secrets ({@code [api] admin_password}, {@code [api] jwt_secret}, {@code [worker]
 * log_server_secret}; the generated ones are registered by the API when it reads them), every
 * {@code CONTRAIL__*} variable whose key looks secret, and the values of the OTLP exporter headers
 * ({@code OTEL_EXPORTER_OTLP_HEADERS="api-key=..."}: collectors authenticate with them).
 */
final class ProcessSecrets {
  private ProcessSecrets() {}

  static void register(SecretsMasker masker, ContrailConfig config, Environment env) {
    masker.addSecret(config.database().password());
    masker.addNamed("url", config.database().url());
    masker.addSecret(config.api().adminPassword());
    masker.addSecret(config.api().jwtSecret());
    masker.addSecret(config.worker().logServerSecret());
    env.variables().forEach((name, value) -> {
      if (name.startsWith("CONTRAIL__")) {
        masker.addNamed(name, value);
      } else if (name.startsWith("OTEL_EXPORTER_OTLP_") && name.endsWith("_HEADERS")) {
        headerValues(masker, value);
      }
    });
    env.otelSystemProperties().forEach((name, value) -> {
      if (name.startsWith("otel.exporter.otlp.") && name.endsWith(".headers")) {
        headerValues(masker, value);
      }
    });
  }

  /** {@code k1=v1,k2=v2}: each value is a credential. */
  private static void headerValues(SecretsMasker masker, String headers) {
    for (String pair : headers.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        masker.addSecret(pair.substring(eq + 1).strip());
      }
    }
  }
}
