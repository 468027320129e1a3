package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.SpanOutbox;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything traces need in one process: the SDK (exporters, resource), the secrets masker the
 * spans are built with and, with a span source, the outbox exporter. Used by the telemetry backend
 * and by {@code traces export}; the composition root hands it the stores it reads.
 */
public final class Tracing implements AutoCloseable {
  /** Where finished spans come from: the outbox rows, and the runs and DAGs they belong to. */
  public record Source(SpanOutbox outbox, RunStore runs, DagStore dags) {}

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

  private static final Duration UNREACHABLE_SDK_FLUSH = Duration.ofMillis(500);

  private final ContrailConfig config;
  private final TraceSdk sdk;
  private final SecretsMasker masker;
  private final ComponentLogs componentLogs;
  private volatile OutboxExporter outbox;
  private volatile AttemptLogs attemptLogs;

  private Tracing(ContrailConfig config, TraceSdk sdk, SecretsMasker masker) {
    this.config = config;
    this.sdk = sdk;
    this.masker = masker;
    this.componentLogs = config.logs().otelOn() ? new ComponentLogs(sdk.sdk()) : null;
  }

  /**
   * The SDK; no run spans until {@link #withSource} names where they come from.
   *
   * @param masker masks span attributes and events where they are built, and every log record
   */
  public static Tracing open(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    return new Tracing(config, TraceSdk.open(config, otel, masker), masker);
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
    SpanOutbox rows = source.outbox();
    SpanResources resources = new SpanResources(sdk.resource(), config.traces().servicePerDag(), rows::resource);
    outbox = new OutboxExporter(rows, new SpanBatches(source.runs(), source.dags(), resources, masker),
        new DeliveryExporters(sdk.spanExporters(), sdk.exportTimeout()), Clock.systemUTC(),
        OutboxExporter.Options.defaults());
    return this;
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

  /** The outbox claims for this job from now on (see {@link OutboxExporter#claimFor}). */
  void claimFor(long jobId) {
    OutboxExporter o = outbox;
    if (o != null) {
      o.claimFor(jobId);
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

  /** The SDK's tracer provider, for spans this process starts itself (scheduler loops): Contrail's one scope. */
  public io.opentelemetry.api.trace.Tracer tracer() {
    return sdk.sdk().getTracer(ContrailResource.SCOPE, ContrailResource.VERSION);
  }

  /** The outbox exporter (null without a database). */
  public OutboxExporter outbox() {
    return outbox;
  }

  /** host:port the spans go to, for messages. */
  public String endpoint() {
    return sdk.endpoint();
  }

  /** Outbox counters (pending spans, exported, export failures), for the metrics backend. */
  public OutboxExporter.Stats stats() {
    OutboxExporter o = outbox;
    return o == null ? new OutboxExporter.Stats(0, 0, 0) : o.stats();
  }

  /**
   * Ships what is left for at most {@code flush} — in total, whatever the collector does — then
   * shuts the SDK down. Returns the spans still waiting in the database (0 without an outbox, -1
   * when unknown).
   */
  public long close(Duration flush) {
    Instant deadline = Instant.now().plus(flush);
    long left = 0;
    if (componentLogs != null) {
      componentLogs.close();
    }
    try {
      // spans first: their last export tells whether the collector is reachable (see sdkWait)
      if (outbox != null) {
        left = outbox.close(remaining(deadline));
      }
      if (attemptLogs != null) {
        attemptLogs.close(sdkWait(deadline));
      }
    } catch (RuntimeException e) {
      LOG.warn("closing the span outbox failed: {}", e.toString());
      left = -1;
    } finally {
      sdk.close(sdkWait(deadline));
    }
    return left;
  }

  /**
   * How long the SDK may flush what it buffered (attempt and component log records, loop spans):
   * it retries on its own, and with the collector unreachable (the outbox's latest export failed)
   * that only delays the exit, by up to the whole flush limit — then it gets half a second at most.
   */
  private Duration sdkWait(Instant deadline) {
    Duration wait = remaining(deadline);
    OutboxExporter o = outbox;
    return o != null && o.lastExportFailed() && wait.compareTo(UNREACHABLE_SDK_FLUSH) > 0 ? UNREACHABLE_SDK_FLUSH : wait;
  }

  private static Duration remaining(Instant deadline) {
    Duration d = Duration.between(Instant.now(), deadline);
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public void close() {
    close(Duration.ofMillis(config.traces().shutdownFlushMs()));
  }
}
