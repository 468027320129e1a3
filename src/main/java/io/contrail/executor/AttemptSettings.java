package io.contrail.executor;

import io.contrail.secrets.SecretsMasker;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every attempt of one executor shares: the executor's name (recorded on each attempt),
 * where logs go, the folder DAGs without one of their own run in, this host, variables every task
 * process gets (the OTLP and propagator settings in force) and the propagator that writes the
 * attempt's span context into outgoing requests (http tasks), as OTEL_PROPAGATORS says, the
 * process's secrets masker, through which every line of an attempt's log is written, and how
 * often a running try may be handed back at a graceful stop before it fails instead
 * ([scheduler] max_handbacks), and whether shell commands that need no shell run without bash
 * ([core] shell_direct_exec).
 */
public record AttemptSettings(String executorName, Path logsRoot, Path dagsFolder, String hostname,
    Map<String, String> extraEnv, TextMapPropagator propagator, SecretsMasker masker, int maxHandbacks,
    boolean shellDirectExec) {
  public static final int DEFAULT_MAX_HANDBACKS = 3;

  public AttemptSettings(String executorName, Path logsRoot, Path dagsFolder, String hostname,
      Map<String, String> extraEnv, TextMapPropagator propagator, SecretsMasker masker) {
    this(executorName, logsRoot, dagsFolder, hostname, extraEnv, propagator, masker, DEFAULT_MAX_HANDBACKS, true);
  }
  /** W3C trace context and baggage: OpenTelemetry's default propagators. */
  public static final TextMapPropagator DEFAULT_PROPAGATOR = TextMapPropagator.composite(
      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  public AttemptSettings {
    extraEnv = Map.copyOf(extraEnv);
    propagator = propagator == null ? DEFAULT_PROPAGATOR : propagator;
    masker = masker == null ? SecretsMasker.defaults() : masker;
  }
}
