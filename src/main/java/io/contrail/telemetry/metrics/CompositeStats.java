package io.contrail.telemetry.metrics;

import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends every measurement to several backends; one that throws is logged and skipped. */
final class CompositeStats implements Stats {
  private static final Logger LOG = LoggerFactory.getLogger(CompositeStats.class);
  private final List<Stats> backends;

  CompositeStats(List<Stats> backends) {
    this.backends = List.copyOf(backends);
  }

  private void each(Consumer<Stats> call) {
    for (Stats s : backends) {
      try {
        call.accept(s);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("metrics backend {} failed: {}", s.getClass().getSimpleName(), e.toString());
      }
    }
  }

  @Override
  public void incr(String name, long count, Tags tags) {
    each(s -> s.incr(name, count, tags));
  }

  @Override
  public void decr(String name, long count, Tags tags) {
    each(s -> s.decr(name, count, tags));
  }

  @Override
  public void gauge(String name, double value, Tags tags) {
    each(s -> s.gauge(name, value, tags));
  }

  @Override
  public void timing(String name, Duration duration, Tags tags, Context context) {
    each(s -> s.timing(name, duration, tags, context));
  }

  @Override
  public void close() {
    each(Stats::close);
  }
}
