package io.contrail.telemetry.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids a measurement is about, in one place for every backend: {@code values} are Contrail's
 * keys (dag_id, task_id, state, pool_name, operator, run_type, executor ...), sent as DogStatsD tags
 * and OpenTelemetry attributes; {@code airflow} are the keys Airflow 3.3 uses where Contrail's
 * differ or are missing (operator_name, executor_class_name, status, queue ...), sent beside them
 * as OpenTelemetry attributes only (StatsD lines keep their tags). Legacy names with the ids baked
 * in are derived from these by {@link LegacyNames}.
 */
record Tags(Map<String, String> values, Map<String, String> airflow) {
  public static final Tags NONE = new Tags(Map.of(), Map.of());

  public Tags {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    airflow = Collections.unmodifiableMap(new LinkedHashMap<>(airflow));
  }

  /** Contrail's tags from key, value pairs; a null value is left out. */
  public static Tags of(String... keyValues) {
    return new Tags(pairs(keyValues), Map.of());
  }

  /** The same tags with Airflow's keys beside them (OpenTelemetry only); a null value is left out. */
  public Tags airflow(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>(airflow);
    m.putAll(pairs(keyValues));
    return new Tags(values, m);
  }

  /** Contrail's keys, then Airflow's: the attributes of an OpenTelemetry data point. */
  public Map<String, String> all() {
    if (airflow.isEmpty()) {
      return values;
    }
    Map<String, String> m = new LinkedHashMap<>(values);
    airflow.forEach(m::putIfAbsent);
    return Collections.unmodifiableMap(m);
  }

  private static Map<String, String> pairs(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("tags come in key, value pairs");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        m.put(keyValues[i], keyValues[i + 1]);
      }
    }
    return m;
  }
}
