package io.contrail.telemetry.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Metrics about the telemetry itself: measurements dropped (a StatsD send that failed, a name too
 * long to send), metric exports that failed, and spans waiting for export (fed by whatever
 * registers a supplier, e.g. the traces backend's outbox). Counts accumulate here from any thread
 * and are reported as deltas through {@link Stats} by {@link #report}, once per scheduler loop.
 */
public final class SelfMetrics {
  static final String DROPPED = "telemetry.metrics.dropped";
  static final String EXPORT_FAILURES = "telemetry.export.failures";
  static final String SPANS_WAITING = "telemetry.spans.waiting_for_export";
  static final String LOGS_DROPPED = "telemetry.logs.dropped";

  private record Key(String backend, String reason) {}

  private final Map<Key, AtomicLong> dropped = new ConcurrentHashMap<>();
  private final Map<Key, Long> droppedReported = new ConcurrentHashMap<>();
  private final AtomicLong exportFailures = new AtomicLong();
  private long exportFailuresReported;
  private volatile LongSupplier spansWaiting;
  private volatile LongSupplier logsDropped;
  private long logsDroppedReported;

  /** A measurement that did not leave: {@code reason} is send_failed, name_too_long ... */
  void dropped(String backend, String reason) {
    dropped.computeIfAbsent(new Key(backend, reason), k -> new AtomicLong()).incrementAndGet();
  }

  void exportFailed() {
    exportFailures.incrementAndGet();
  }

  public long droppedTotal() {
    return dropped.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long exportFailures() {
    return exportFailures.get();
  }

  /**
   * Reports {@code telemetry.spans.waiting_for_export} from this supplier (the traces backend
   * registers its outbox's pending count here).
   */
  public void spansWaitingForExport(LongSupplier pending) {
    this.spansWaiting = pending;
  }

  /**
   * Reports {@code telemetry.logs.dropped} (a counter) from this running total: component log
   * records the traces backend could not keep for export because its spool was full.
   */
  public void logRecordsDropped(LongSupplier total) {
    this.logsDropped = total;
  }

  /** Sends what changed since the last report. */
  synchronized void report(Stats stats) {
    dropped.forEach((key, count) -> {
      long now = count.get();
      long delta = now - droppedReported.getOrDefault(key, 0L);
      if (delta > 0) {
        droppedReported.put(key, now);
        stats.incr(DROPPED, delta, Tags.of("backend", key.backend(), "reason", key.reason()));
      }
    });
    long failures = exportFailures.get();
    if (failures > exportFailuresReported) {
      stats.incr(EXPORT_FAILURES, failures - exportFailuresReported, Tags.of("signal", "metrics"));
      exportFailuresReported = failures;
    }
    LongSupplier droppedLogs = logsDropped;
    if (droppedLogs != null) {
      long now = droppedLogs.getAsLong();
      if (now > logsDroppedReported) {
        stats.incr(LOGS_DROPPED, now - logsDroppedReported, Tags.of("reason", "spool_full"));
        logsDroppedReported = now;
      }
    }
    LongSupplier waiting = spansWaiting;
    if (waiting != null) {
      stats.gauge(SPANS_WAITING, waiting.getAsLong(), Tags.NONE);
    }
  }
}
