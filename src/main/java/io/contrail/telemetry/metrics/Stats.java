package io.contrail.telemetry.metrics;

import io.opentelemetry.context.Context;
import java.time.Duration;

/**
 * The metrics facade, after Airflow's {@code Stats}: counters, gauges and timers by name (without
 * prefix) with {@link Tags}. Backends (StatsD, OpenTelemetry) apply their prefix, the allow and
 * block lists and name sanitising. Implementations never throw and never block.
 */
interface Stats {
  Stats NOOP = new Stats() {
    @Override
    public void incr(String name, long count, Tags tags) {}

    @Override
    public void decr(String name, long count, Tags tags) {}

    @Override
    public void gauge(String name, double value, Tags tags) {}

    @Override
    public void timing(String name, Duration duration, Tags tags, Context context) {}
  };

  void incr(String name, long count, Tags tags);

  default void incr(String name, Tags tags) {
    incr(name, 1, tags);
  }

  void decr(String name, long count, Tags tags);

  default void decr(String name, Tags tags) {
    decr(name, 1, tags);
  }

  /** The current value; last value wins. */
  void gauge(String name, double value, Tags tags);

  /**
   * A duration, recorded in milliseconds. {@code context} carries the span the measurement belongs
   * to, so histograms keep an exemplar pointing at the trace.
   */
  void timing(String name, Duration duration, Tags tags, Context context);

  default void timing(String name, Duration duration, Tags tags) {
    timing(name, duration, tags, Context.root());
  }

  /** Starts a timer; {@link Timer#close()} records the elapsed time. */
  default Timer timer(String name, Tags tags) {
    return new Timer(this, name, tags, System.nanoTime());
  }

  /** Flushes and releases what the backend holds. */
  default void close() {}

  /** A running timer; use in try-with-resources. */
  final class Timer implements AutoCloseable {
    private final Stats stats;
    private final String name;
    private final Tags tags;
    private final long startNanos;
    private boolean stopped;

    Timer(Stats stats, String name, Tags tags, long startNanos) {
      this.stats = stats;
      this.name = name;
      this.tags = tags;
      this.startNanos = startNanos;
    }

    /** Records the elapsed time once; later calls do nothing. */
    public Duration stop() {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
      if (!stopped) {
        stopped = true;
        stats.timing(name, elapsed, tags);
      }
      return elapsed;
    }

    @Override
    public void close() {
      stop();
    }
  }
}
