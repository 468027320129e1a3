package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
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

  private final TraceSdk sdk;
  private ComponentLogs componentLogs;
  private final SpanMapper mapper;
  private final OutboxExporter outbox;
  private final AttemptLogs attemptLogs;

  private Tracing(TraceSdk sdk, SpanMapper mapper, OutboxExporter outbox, AttemptLogs attemptLogs) {
    this.sdk = sdk;
    this.mapper = mapper;
    this.outbox = outbox;
    this.attemptLogs = attemptLogs;
  }

  /** @param source the outbox and stores; null for an SDK without run spans */
  public static Tracing open(ContrailConfig config, OtelSettings otel, Source source) {
    TraceSdk sdk = TraceSdk.open(config, otel);
    SpanMapper mapper = new SpanMapper(resources(config, sdk.resource(), otel.environment().hostname()));
    OutboxExporter outbox = null;
    AttemptLogs logs = null;
    if (source != null) {
      outbox = new OutboxExporter(source.outbox(), source.runs(), source.dags(), mapper, sdk.spanExporter(),
          Clock.systemUTC(), OutboxExporter.Options.defaults());
      if (config.logs().otelOn()) {
        logs = new AttemptLogs(sdk.sdk().getSdkLoggerProvider(), source.runs(), config.logs().baseLogFolder());
      }
    }
    Tracing tracing = new Tracing(sdk, mapper, outbox, logs);
    if (config.logs().otelOn()) {
      tracing.componentLogs = new ComponentLogs(sdk.sdk());
    }
    return tracing;
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
    if (outbox != null) {
      outbox.start();
    }
  }

  void poke() {
    if (outbox != null) {
      outbox.poke();
    }
  }

  void attemptFinished(TaskInstance ti, TaskAttempt attempt) {
    if (attemptLogs != null) {
      attemptLogs.ship(ti, attempt);
    }
  }

  TraceSdk sdk() {
    return sdk;
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
    return outbox == null ? new OutboxExporter.Stats(0, 0, 0) : outbox.stats();
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
