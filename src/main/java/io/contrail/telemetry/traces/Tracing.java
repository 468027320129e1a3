package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.SpanOutbox;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything traces need in one process: the SDK (exporters, resource), the span mapper and, with
 * a span source, the outbox exporter. Used by the telemetry backend and by {@code traces export};
 * the composition root hands it the stores it reads.
 */
public final class Tracing implements AutoCloseable {
  /** Where finished spans come from: the outbox rows, and the runs and DAGs they belong to. */
  public record Source(SpanOutbox outbox, RunStore runs, DagStore dags) {}

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

  private final ContrailConfig config;
  private final TraceSdk sdk;
  private final SpanMapper mapper;
  private final SecretsMasker masker;
  private final ComponentLogs componentLogs;
  private volatile OutboxExporter outbox;
  private volatile AttemptLogs attemptLogs;

  private Tracing(ContrailConfig config, TraceSdk sdk, SpanMapper mapper, SecretsMasker masker) {
    this.config = config;
    this.sdk = sdk;
    this.mapper = mapper;
    this.masker = masker;
    this.componentLogs = config.logs().otelOn() ? new ComponentLogs(sdk.sdk()) : null;
  }

  /**
   * The SDK and span mapper; no run spans until {@link #withSource} names where they come from.
   *
   * @param masker masks span attributes and events where they are built, and every log record
   */
  public static Tracing open(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    TraceSdk sdk = TraceSdk.open(config, otel, masker);
    return new Tracing(config, sdk,
        new SpanMapper(resources(config, sdk.resource(), otel.environment().hostname()), masker), masker);
  }

  /** @param source the outbox and stores; null for an SDK without run spans */
  public static Tracing open(ContrailConfig config, OtelSettings otel, SecretsMasker masker, Source source) {
    Tracing tracing = open(config, otel, masker);
    return source == null ? tracing : tracing.withSource(source);
  }

  /**
   * Builds the spans of the runs, tasks and attempts finished on {@code source}'s database (the
   * outbox exporter, not started) and, with [logs] otel_on, ships attempt logs. Once only.
   */
  public synchronized Tracing withSource(Source source) {
    if (outbox != null) {
      throw new IllegalStateException("the span source is set already");
    }
    if (config.logs().otelOn()) {
      attemptLogs = new AttemptLogs(sdk.sdk().getSdkLoggerProvider(), source.runs(), config.logs().baseLogFolder(),
          masker);
    }
    outbox = new OutboxExporter(source.outbox(), source.runs(), source.dags(), mapper, sdk.spanExporter(),
        Clock.systemUTC(), OutboxExporter.Options.defaults());
    return this;
  }

  /**
   * The resource of a DAG's run, task and attempt spans: the process's, or with service_per_dag
   * the process's with {@code service.name} = the dag_id (one cached resource per DAG).
   */
  static Function<String, Resource> resources(ContrailConfig config, Resource process, String hostname) {
    if (!config.traces().servicePerDag()) {
      return dagId -> process;
    }
    // the process resource has OTEL_RESOURCE_ATTRIBUTES already; only the DAG's service.name is new
    Environment bare = new Environment(Map.of(), Map.of(), hostname);
    Map<String, Resource> perDag = new ConcurrentHashMap<>();
    return dagId -> perDag.computeIfAbsent(dagId, id -> process.merge(ContrailResource.create(config, id, bare)));
  }

  void startOutbox() {
    OutboxExporter o = outbox;
    if (o != null) {
      o.start();
    }
  }

  void poke() {
    OutboxExporter o = outbox;
    if (o != null) {
      o.poke();
    }
  }

  void attemptFinished(TaskInstance ti, TaskAttempt attempt) {
    AttemptLogs logs = attemptLogs;
    if (logs != null) {
      logs.ship(ti, attempt);
    }
  }

  TraceSdk sdk() {
    return sdk;
  }

  SecretsMasker masker() {
    return masker;
  }

  /** The SDK's tracer provider, for spans this process starts itself (scheduler loops). */
  public io.opentelemetry.api.trace.Tracer tracer(String scope) {
    return sdk.sdk().getTracer(scope, "0.1.0");
  }

  public SpanMapper mapper() {
    return mapper;
  }

  /** The outbox exporter (null without a database). */
  public OutboxExporter outbox() {
    return outbox;
  }

  /** Outbox counters (pending spans, exported, export failures), for the metrics backend. */
  public OutboxExporter.Stats stats() {
    OutboxExporter o = outbox;
    return o == null ? new OutboxExporter.Stats(0, 0, 0) : o.stats();
  }

  /** Ships what is left (for at most {@code flush}), then shuts the SDK down. */
  public void close(Duration flush) {
    if (componentLogs != null) {
      componentLogs.close();
    }
    try {
      if (attemptLogs != null) {
        attemptLogs.close();
      }
      if (outbox != null) {
        outbox.close(flush);
      }
    } catch (RuntimeException e) {
      LOG.warn("closing the span outbox failed: {}", e.toString());
    } finally {
      sdk.close();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
