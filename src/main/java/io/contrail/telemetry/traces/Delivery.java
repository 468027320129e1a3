package io.contrail.telemetry.traces;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an outbox hands one batch to the collector, for spans ({@link DeliveryExporters}) and log
 * records ({@link LogDelivery}) alike: through the autoconfigured OTLP exporters rebuilt without the
 * SDK's own retries (the outbox retries, and knows when a retry may repeat what it sent) and, per
 * timeout level, with the configured timeout doubled that many times — a batch whose export timed
 * out is sent again with a longer timeout, so a collector that answers late (but accepts) gets it
 * at most once more. Console exporters ({@code otel_debugging_on}) print every batch and never
 * fail a delivery.
 */
abstract class Delivery<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
  /** Timeouts grow up to base × 2^MAX_LEVEL (160 s with the SDK's default of 10 s). */
  static final int MAX_LEVEL = 4;

  /** What one export came to. */
  enum Outcome {
    /** The collector accepted the batch. */
    SENT,
    /** Refused or unreachable: the collector does not have it. */
    FAILED,
    /** No answer in time: the collector may have accepted it. */
    TIMED_OUT
  }

  /** One exporter, whatever the signal. */
  interface Sink<T> {
    CompletableResultCode export(Collection<T> items);

    CompletableResultCode shutdown();
  }

  private final List<Function<Duration, Sink<T>>> delivery;
  private final List<Sink<T>> console;
  private final Duration baseTimeout;
  private final Map<Integer, List<Sink<T>>> byLevel = new ConcurrentHashMap<>();

  /**
   * @param delivery each delivering exporter, built for a timeout
   * @param console exporters that only print
   * @param baseTimeout the configured export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default)
   */
  Delivery(List<Function<Duration, Sink<T>>> delivery, List<Sink<T>> console, Duration baseTimeout) {
    this.delivery = List.copyOf(delivery);
    this.console = List.copyOf(console);
    this.baseTimeout = baseTimeout;
  }

  /** The export timeout at a level: the base doubled {@code level} times (capped). */
  Duration timeout(int level) {
    return baseTimeout.multipliedBy(1L << Math.min(Math.max(level, 0), MAX_LEVEL));
  }

  /** Whether anything delivers (false: console only, or nothing configured). */
  boolean delivers() {
    return !delivery.isEmpty();
  }

  /**
   * Exports at timeout {@code level}, waiting at most {@code wait} (less than the timeout when
   * the process is stopping: an export still in flight then counts as timed out). Never throws.
   */
  Outcome export(List<T> items, int level, Duration wait) {
    for (Sink<T> c : console) {
      c.export(items);
    }
    Outcome worst = Outcome.SENT;
    for (Sink<T> e : exporters(Math.min(Math.max(level, 0), MAX_LEVEL))) {
      Outcome o = exportTo(e, items, wait);
      if (o.ordinal() > worst.ordinal()) {
        worst = o;
      }
    }
    return worst;
  }

  private List<Sink<T>> exporters(int level) {
    return byLevel.computeIfAbsent(level, l -> delivery.stream().map(f -> f.apply(timeout(l))).toList());
  }

  private static <T> Outcome exportTo(Sink<T> exporter, List<T> items, Duration wait) {
    try {
      CompletableResultCode result = exporter.export(items);
      result.join(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
      if (!result.isDone()) {
        return Outcome.TIMED_OUT;
      }
      return result.isSuccess() ? Outcome.SENT : timedOut(result.getFailureThrowable()) ? Outcome.TIMED_OUT : Outcome.FAILED;
    } catch (RuntimeException e) {
      LOG.debug("exporter threw", e);
      return Outcome.FAILED;
    }
  }

  /**
   * A failure that leaves open whether the collector got the batch: its answer did not come in
   * time. Any answer, an error status included, says it did not take it.
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
    byLevel.values().forEach(list -> list.forEach(Sink::shutdown));
  }
}
