package io.contrail.telemetry.metrics;

import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The StatsD backend: {@code prefix.name:value|type}, with DogStatsD tags ({@code |#k:v,...}) when
 * statsd_datadog_tags is on, plus the legacy name with the ids baked in when legacy_names_on
 * ({@link LegacyNames}, tag values as they are, the legacy line without tags). Contrail's tag keys
 * only: Airflow's extra keys go to OpenTelemetry. Every {@code [metrics_tags]} entry is a tag of
 * every DogStatsD line; plain StatsD has no tags.
 */
final class StatsdStats implements Stats {
  private final StatsdClient client;
  private final String prefix;
  private final boolean datadogTags;
  private final boolean legacyNames;
  private final MetricFilter filter;
  private final Map<String, String> constantTags;
  private final SelfMetrics self;

  StatsdStats(StatsdClient client, String prefix, boolean datadogTags, boolean legacyNames,
      MetricFilter filter, Map<String, String> constantTags, SelfMetrics self) {
    this.client = client;
    this.prefix = prefix;
    this.datadogTags = datadogTags;
    this.legacyNames = legacyNames;
    this.filter = filter;
    this.constantTags = Map.copyOf(constantTags);
    this.self = self;
  }

  @Override
  public void incr(String name, long count, Tags tags) {
    send(name, count + "|c", tags);
  }

  @Override
  public void decr(String name, long count, Tags tags) {
    send(name, -count + "|c", tags);
  }

  @Override
  public void gauge(String name, double value, Tags tags) {
    if (value < 0) {
      send(name, "0|g", tags); // a signed StatsD gauge is a change; set zero first, then go below
    }
    send(name, number(value) + "|g", tags);
  }

  @Override
  public void timing(String name, Duration duration, Tags tags, Context context) {
    send(name, number(duration.toNanos() / 1_000_000.0) + "|ms", tags);
  }

  @Override
  public void close() {
    client.close();
  }

  private void send(String name, String valueAndType, Tags tags) {
    emit(name, valueAndType, tags.values());
    LegacyNames.Legacy legacy = legacyNames ? LegacyNames.of(name) : null;
    if (legacy != null) {
      String legacyName = legacy.format(tags.all());
      if (legacyName != null) {
        emit(legacyName, valueAndType, Map.of());
      }
    }
  }

  private void emit(String name, String valueAndType, Map<String, String> tags) {
    if (!filter.allows(name)) {
      return;
    }
    String full = MetricNames.statsd(MetricNames.prefixed(prefix, name));
    if (full == null) {
      self.dropped("statsd", "name_too_long");
      return;
    }
    StringBuilder line = new StringBuilder(full.length() + 64).append(full).append(':').append(valueAndType);
    if (datadogTags && (!tags.isEmpty() || !constantTags.isEmpty())) {
      char sep = '#';
      line.append('|');
      for (Map<String, String> m : new Map[] {constantTags, tags}) {
        for (Map.Entry<String, String> e : m.entrySet()) {
          line.append(sep).append(MetricNames.tag(e.getKey(), true)).append(':')
              .append(MetricNames.tag(e.getValue(), false));
          sep = ',';
        }
      }
    }
    client.send(line.toString());
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
