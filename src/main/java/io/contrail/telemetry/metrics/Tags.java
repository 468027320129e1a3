package io.contrail.telemetry.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids a measurement is about (dag_id, task_id, state, pool_name, operator, run_type), sent as
 * tags (DogStatsD) or attributes (OpenTelemetry), plus the optional legacy StatsD name that has the
 * ids baked in ({@code ti.finish.<dag_id>.<task_id>.<state>}), sent only with legacy_names_on.
 */
record Tags(Map<String, String> values, String legacyName) {
  public static final Tags NONE = new Tags(Map.of(), null);

  public Tags {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Tags from key, value pairs; a null value is left out. */
  public static Tags of(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("tags come in key, value pairs");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        m.put(keyValues[i], keyValues[i + 1]);
      }
    }
    return new Tags(m, null);
  }

  /** The same tags, also sent to StatsD under this legacy name. */
  public Tags legacy(String name) {
    return new Tags(values, name);
  }
}
