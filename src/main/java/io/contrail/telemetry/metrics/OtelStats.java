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
import java.util.function.BiConsumer;

/**
 * The OpenTelemetry backend (OTLP and Prometheus read the same meter): counters are monotonic
 * sums, {@code decr} uses an up-down counter, gauges are observable gauges reporting the last value
 * per attribute set (so processes, told apart by service.instance.id, never add up), timers are
 * histograms in milliseconds (explicit buckets from 1 ms to a day unless the exporter aggregates
 * them exponentially, see {@code [metrics] otel_histograms}). Tags become attributes — Contrail's
 * keys and Airflow's beside them — with every {@code [metrics_tags]} entry added so Prometheus shows
 * them as labels. Only the catalog's names become instruments, whatever legacy_names_on says: a
 * legacy name bakes the ids in and would make one set of instruments per DAG and task id (most of a
 * scheduler's heap with 10,000 task ids); here the ids are attributes, and legacy names go to
 * StatsD only ({@link StatsdStats}).
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
  /** Instrument names by catalog name (the catalog is finite): worked out once each, not at every measurement. */
  private final Map<String, String> instruments = new ConcurrentHashMap<>();

  private final Runnable onClose;

  OtelStats(Meter meter, String prefix, MetricFilter filter, Map<String, String> constantTags, Runnable onClose) {
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
    record(name, tags, (n, attributes) -> {
      LongUpDownCounter upDown = upDownCounters.get(n);
      if (upDown != null) {
        upDown.add(count, attributes);
      } else {
        counters.computeIfAbsent(n, k -> meter.counterBuilder(k).build()).add(count, attributes);
      }
    });
  }

  @Override
  public void decr(String name, long count, Tags tags) {
    record(name, tags, (n, attributes) ->
        upDownCounters.computeIfAbsent(n, k -> meter.upDownCounterBuilder(k).build()).add(-count, attributes));
  }

  @Override
  public void gauge(String name, double value, Tags tags) {
    record(name, tags, (n, attributes) -> gauges.computeIfAbsent(n, this::observableGauge).put(attributes, value));
  }

  @Override
  public void timing(String name, Duration duration, Tags tags, Context context) {
    double ms = duration.toNanos() / 1_000_000.0;
    record(name, tags, (n, attributes) -> histograms.computeIfAbsent(n, k -> meter.histogramBuilder(k)
            .setUnit("ms").setExplicitBucketBoundariesAdvice(BUCKETS_MS).build())
        .record(ms, attributes, context));
  }

  @Override
  public void close() {
    onClose.run();
    callbacks.forEach(ObservableDoubleGauge::close);
  }

  /** Records under the name unless the filter blocks it; {@code to} gets the instrument name. */
  private void record(String name, Tags tags, BiConsumer<String, Attributes> to) {
    if (filter.allows(name)) {
      to.accept(instruments.computeIfAbsent(name, this::instrument), attributes(tags.all()));
    }
  }

  private Map<Attributes, Double> observableGauge(String instrument) {
    Map<Attributes, Double> values = new ConcurrentHashMap<>();
    callbacks.add(meter.gaugeBuilder(instrument)
        .buildWithCallback(m -> values.forEach((attrs, v) -> m.record(v, attrs))));
    return values;
  }

  private String instrument(String name) {
    return MetricNames.otel(MetricNames.prefixed(prefix, name));
  }

  /** The one place tags become attributes. */
  private Attributes attributes(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return constant;
    }
    AttributesBuilder b = constant.toBuilder();
    tags.forEach(b::put);
    return b.build();
  }
}
