package io.contrail.telemetry.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The OpenTelemetry backend (OTLP and Prometheus read the same meter): counters are monotonic
 * sums, {@code decr} uses an up-down counter, gauges are observable gauges reporting the last value
 * per attribute set (so processes, told apart by service.instance.id, never add up), timers are
 * histograms in milliseconds with buckets from 1 ms to a day. Tags become attributes, with every
 * {@code [metrics_tags]} entry added so Prometheus shows them as labels.
 */
final class OtelStats implements Stats {
  /** Task durations range from milliseconds (noop) to hours (batch jobs). */
  static final List<Double> BUCKETS_MS = List.of(1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0,
      500.0, 1_000.0, 2_500.0, 5_000.0, 10_000.0, 30_000.0, 60_000.0, 120_000.0, 300_000.0,
      600_000.0, 1_800_000.0, 3_600_000.0, 7_200_000.0, 14_400_000.0, 43_200_000.0, 86_400_000.0);

  private final Meter meter;
  private final String prefix;
  private final MetricFilter filter;
  private final Attributes constant;
  private final Map<String, LongCounter> counters = new ConcurrentHashMap<>();
  private final Map<String, LongUpDownCounter> upDownCounters = new ConcurrentHashMap<>();
  private final Map<String, DoubleHistogram> histograms = new ConcurrentHashMap<>();
  private final Map<String, Map<Attributes, Double>> gauges = new ConcurrentHashMap<>();
  private final List<ObservableDoubleGauge> callbacks = new CopyOnWriteArrayList<>();

  private final Runnable onClose;

  OtelStats(Meter meter, String prefix, MetricFilter filter, Map<String, String> constantTags,
      Runnable onClose) {
    this.meter = meter;
    this.onClose = onClose;
    this.prefix = prefix;
    this.filter = filter;
    AttributesBuilder b = Attributes.builder();
    constantTags.forEach(b::put);
    this.constant = b.build();
  }

  @Override
  public void incr(String name, long count, Tags tags) {
    if (filter.allows(name)) {
      LongUpDownCounter upDown = upDownCounters.get(name);
      if (upDown != null) {
        upDown.add(count, attributes(tags));
      } else {
        counters.computeIfAbsent(name, n -> meter.counterBuilder(instrument(n)).build())
            .add(count, attributes(tags));
      }
    }
  }

  @Override
  public void decr(String name, long count, Tags tags) {
    if (filter.allows(name)) {
      upDownCounters.computeIfAbsent(name, n -> meter.upDownCounterBuilder(instrument(n)).build())
          .add(-count, attributes(tags));
    }
  }

  @Override
  public void gauge(String name, double value, Tags tags) {
    if (filter.allows(name)) {
      gauges.computeIfAbsent(name, this::observableGauge).put(attributes(tags), value);
    }
  }

  @Override
  public void timing(String name, Duration duration, Tags tags, Context context) {
    if (filter.allows(name)) {
      histograms.computeIfAbsent(name, n -> meter.histogramBuilder(instrument(n)).setUnit("ms")
              .setExplicitBucketBoundariesAdvice(BUCKETS_MS).build())
          .record(duration.toNanos() / 1_000_000.0, attributes(tags), context);
    }
  }

  @Override
  public void close() {
    onClose.run();
    callbacks.forEach(ObservableDoubleGauge::close);
  }

  private Map<Attributes, Double> observableGauge(String name) {
    Map<Attributes, Double> values = new ConcurrentHashMap<>();
    callbacks.add(meter.gaugeBuilder(instrument(name))
        .buildWithCallback(m -> values.forEach((attrs, v) -> m.record(v, attrs))));
    return values;
  }

  private String instrument(String name) {
    return MetricNames.otel(MetricNames.prefixed(prefix, name));
  }

  private Attributes attributes(Tags tags) {
    if (tags.values().isEmpty()) {
      return constant;
    }
    AttributesBuilder b = constant.toBuilder();
    tags.values().forEach(b::put);
    return b.build();
  }
}
