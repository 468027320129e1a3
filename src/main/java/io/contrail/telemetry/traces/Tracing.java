package io.contrail.telemetry.traces;

import io.contrail.config.ContrailConfig;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.DagStore;
import io.contrail.storage.LogOutbox;
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
  /**
   * Where finished spans come from: the outbox rows, and the runs and DAGs they belong to; and
   * the log outbox (null: no log export).
   */
  public record Source(SpanOutbox outbox, RunStore runs, DagStore dags, LogOutbox logs) {
    public Source(SpanOutbox outbox, RunStore runs, DagStore dags) {
      this(outbox, runs, dags, null);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

  private static final Duration UNREACHABLE_SDK_FLUSH = Duration.ofMillis(500);

  private final ContrailConfig config;
  private final TraceSdk sdk;
  private final SecretsMasker masker;
  private final String hostname;
  private final ComponentSpool componentLogs;
  private volatile OutboxExporter outbox;
  private volatile long logFilesLeft;
  private volatile LogOutboxExporter logs;

  private Tracing(ContrailConfig config, TraceSdk sdk, SecretsMasker masker, String hostname) {
    this.config = config;
    this.sdk = sdk;
    this.masker = masker;
    this.hostname = hostname;
    // component records are spooled from the start; the log outbox ships them once it has a database
    this.componentLogs = config.logs().otelOn() && !sdk.logExporters().isEmpty()
        ? ComponentSpool.acquire(config.logs().baseLogFolder(), config.logs().componentSpoolMaxMb() * (1L << 20), masker)
        : null;
  }

  /**
   * The SDK; no run spans until {@link #withSource} names where they come from.
   *
   * @param masker masks span attributes and events where they are built, and every log record
   */
  public static Tracing open(ContrailConfig config, OtelSettings otel, SecretsMasker masker) {
    return new Tracing(config, TraceSdk.open(config, otel, masker), masker, otel.environment().hostname());
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
    if (config.logs().otelOn() && source.logs() != null && !sdk.logExporters().isEmpty()) {
      logs = new LogOutboxExporter(source.logs(), source.runs(), config.logs().baseLogFolder(), hostname,
          new LogDelivery(sdk.logExporters(), sdk.exportTimeout(), masker), sdk.resource(), masker, Clock.systemUTC(),
          LogOutboxExporter.Options.defaults());
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
    LogOutboxExporter l = logs;
    if (l != null) {
      l.start();
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
    LogOutboxExporter l = logs;
    if (l != null) {
      l.claimFor(jobId);
    }
  }

  /** An attempt ended: its last lines leave soon (after the grace for lines appended by recovery). */
  void attemptFinished(TaskInstance ti, TaskAttempt attempt) {
    LogOutboxExporter l = logs;
    if (l != null) {
      l.poke();
    }
  }

  /** The log outbox exporter (null without [logs] otel_on or a database). */
  LogOutboxExporter logs() {
    return logs;
  }

  /** Component log records dropped because the spool was full (see [logs] component_spool_max_mb). */
  public long logRecordsDropped() {
    ComponentSpool s = componentLogs;
    return s == null ? 0 : s.dropped();
  }

  /** host:port the log records go to, for messages. */
  public String logEndpoint() {
    return sdk.logEndpoint();
  }

  /**
   * Every line of a finished run's attempt logs, exported again (for {@code traces export --logs});
   * returns the records sent, -1 when an export failed, 0 without log export.
   */
  public long exportLogs(io.contrail.run.DagRun run, java.util.List<TaskAttempt> attempts) {
    LogOutboxExporter l = logs;
    if (l == null) {
      return 0;
    }
    long sent = 0;
    for (TaskAttempt a : attempts) {
      try {
        long n = l.exportAttempt(run, a);
        if (n < 0) {
          return -1;
        }
        sent += n;
      } catch (java.io.IOException | IllegalArgumentException e) {
        LOG.debug("no log for {} try {}: {}", a.key(), a.tryNumber(), e.toString());
      }
    }
    return sent;
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

  /** After {@link #close}: log files of this host with lines still to export. */
  public long logFilesLeft() {
    return logFilesLeft;
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
      ComponentSpool.release(componentLogs); // the segment ends: the log outbox may ship it whole now
    }
    try {
      if (outbox != null) {
        left = outbox.close(remaining(deadline));
      }
      LogOutboxExporter l = logs;
      if (l != null) {
        l.close(remaining(deadline));
        logFilesLeft = l.waitingFiles();
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
