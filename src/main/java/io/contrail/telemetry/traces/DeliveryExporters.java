package io.contrail.telemetry.traces;

import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporters the span outbox delivers through. Each autoconfigured OTLP exporter is rebuilt
 * without the SDK's own retries (the outbox retries, and knows when a retry may repeat a span)
 * and, per timeout level, with the configured timeout doubled that many times: a batch whose
 * export timed out is sent again with a longer timeout, so a collector that answers late (but
 * accepts) gets it at most once more. The console exporter of {@code otel_debugging_on} prints
 * every batch sent and never fails a delivery.
 */
final class DeliveryExporters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryExporters.class);
  /** Timeouts grow up to base × 2^MAX_LEVEL (160 s with the SDK's default of 10 s). */
  static final int MAX_LEVEL = 4;

  /** What one export came to. */
  enum Outcome {
    /** The collector accepted the spans. */
    SENT,
    /** Refused or unreachable: the collector does not have them. */
    FAILED,
    /** No answer in time: the collector may have accepted them. */
    TIMED_OUT
  }

  private final List<Function<Duration, SpanExporter>> delivery;
  private final List<SpanExporter> console;
  private final Duration baseTimeout;
  private final Map<Integer, List<SpanExporter>> byLevel = new ConcurrentHashMap<>();

  /**
   * @param exporters the autoconfigured span exporters
   * @param baseTimeout the configured export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default)
   */
  DeliveryExporters(List<SpanExporter> exporters, Duration baseTimeout) {
    this.baseTimeout = baseTimeout;
    List<Function<Duration, SpanExporter>> d = new ArrayList<>();
    List<SpanExporter> c = new ArrayList<>();
    for (SpanExporter e : exporters) {
      if (e instanceof OtlpGrpcSpanExporter grpc) {
        d.add(t -> grpc.toBuilder().setRetryPolicy(null).setTimeout(t).build());
      } else if (e instanceof OtlpHttpSpanExporter http) {
        d.add(t -> http.toBuilder().setRetryPolicy(null).setTimeout(t).build());
      } else if (e instanceof LoggingSpanExporter) {
        c.add(e);
      } else {
        d.add(t -> e); // an exporter from a jar on the classpath: used as it is
      }
    }
    this.delivery = List.copyOf(d);
    this.console = List.copyOf(c);
  }

  /** The export timeout at a level: the base doubled {@code level} times (capped). */
  Duration timeout(int level) {
    return baseTimeout.multipliedBy(1L << Math.min(Math.max(level, 0), MAX_LEVEL));
  }

  /**
   * Exports at timeout {@code level}, waiting at most {@code wait} (less than the timeout when
   * the process is stopping: an export still in flight then counts as timed out). Never throws.
   */
  Outcome export(List<SpanData> spans, int level, Duration wait) {
    for (SpanExporter c : console) {
      c.export(spans);
    }
    Outcome worst = Outcome.SENT;
    for (SpanExporter e : exporters(Math.min(Math.max(level, 0), MAX_LEVEL))) {
      Outcome o = exportTo(e, spans, wait);
      if (o.ordinal() > worst.ordinal()) {
        worst = o;
      }
    }
    return worst;
  }

  private List<SpanExporter> exporters(int level) {
    return byLevel.computeIfAbsent(level, l -> delivery.stream().map(f -> f.apply(timeout(l))).toList());
  }

  private static Outcome exportTo(SpanExporter exporter, List<SpanData> spans, Duration wait) {
    try {
      CompletableResultCode result = exporter.export(spans);
      result.join(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
      if (!result.isDone()) {
        return Outcome.TIMED_OUT;
      }
      return result.isSuccess() ? Outcome.SENT : timedOut(result.getFailureThrowable()) ? Outcome.TIMED_OUT : Outcome.FAILED;
    } catch (RuntimeException e) {
      LOG.debug("span exporter threw", e);
      return Outcome.FAILED;
    }
  }

  /**
   * A failure that leaves open whether the collector got the spans: its answer did not come in
   * time. Any answer, an error status included, says it did not take them.
   */
  static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        return true; // OkHttp's call timeout, a read timeout
      }
    }
    return false;
  }

  @Override
  public void close() {
    byLevel.values().forEach(list -> list.forEach(SpanExporter::shutdown));
  }
}
