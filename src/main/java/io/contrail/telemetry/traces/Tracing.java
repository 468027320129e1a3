package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.Database;
import io.contrail.storage.JdbcDagStore;
import io.contrail.storage.JdbcRunStore;
import io.contrail.storage.JdbcSpanOutbox;
import io.contrail.telemetry.ContrailResource;
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
 * a database, the outbox exporter. Used by the telemetry backend and by {@code traces export}.
 */
public final class Tracing implements AutoCloseable {
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

  /** @param database the outbox; null for an SDK without run spans */
  public static Tracing open(ContrailConfig config, Map<String, String> env, Database database) {
    TraceSdk sdk = TraceSdk.open(config, env);
    SpanMapper mapper = new SpanMapper(resources(config, sdk.resource()));
    OutboxExporter outbox = null;
    AttemptLogs logs = null;
    if (database != null) {
      JdbcRunStore runs = new JdbcRunStore(database.sql());
      outbox = new OutboxExporter(new JdbcSpanOutbox(database.sql()), runs, new JdbcDagStore(database.sql()),
          mapper, sdk.spanExporter(), Clock.systemUTC(), OutboxExporter.Options.defaults());
      if (config.logs().otelOn()) {
        logs = new AttemptLogs(sdk.sdk().getSdkLoggerProvider(), runs, config.logs().baseLogFolder());
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
  static Function<String, Resource> resources(ContrailConfig config, Resource process) {
    if (!config.traces().servicePerDag()) {
      return dagId -> process;
    }
    Map<String, Resource> perDag = new ConcurrentHashMap<>();
    return dagId -> perDag.computeIfAbsent(dagId, id -> process.merge(ContrailResource.create(config, id, Map.of())));
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

  public TraceSdk sdk() {
    return sdk;
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
