package io.contrail.telemetry.metrics;

import io.contrail.secrets.SecretsMasker;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Masks the attributes of every measurement (Contrail's and Airflow's keys; legacy StatsD names are
 * built from them) before any backend sees them. They are ids, states and pool names, so this rarely changes
 * anything; it makes sure a secret never becomes a label in a metrics backend.
 */
final class MaskingStats implements Stats {
  /** Tag keys come from the code, a few dozen: whether one looks secret is worked out once. */
  private static final int KEYS_KEPT = 256;

  private final Stats delegate;
  private final SecretsMasker masker;
  private final Map<String, Boolean> secretKeys = new ConcurrentHashMap<>();

  MaskingStats(Stats delegate, SecretsMasker masker) {
    this.delegate = delegate;
    this.masker = masker;
  }

  private Tags masked(Tags tags) {
    if (tags.values().isEmpty() && tags.airflow().isEmpty()) {
      return tags;
    }
    if (clean(tags.values()) && clean(tags.airflow())) {
      return tags; // the common case: ids and states, nothing to mask, no copy
    }
    // legacy StatsD names are derived from these values, so they are masked too
    return new Tags(masked(tags.values()), masked(tags.airflow()));
  }

  private boolean clean(Map<String, String> in) {
    for (Map.Entry<String, String> e : in.entrySet()) {
      if (secretKey(e.getKey()) || !masker.mask(e.getValue()).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private Map<String, String> masked(Map<String, String> in) {
    Map<String, String> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, secretKey(k) ? SecretsMasker.MASK : masker.mask(v)));
    return out;
  }

  private boolean secretKey(String key) {
    Boolean known = secretKeys.get(key);
    if (known == null) {
      known = masker.looksSecret(key);
      if (secretKeys.size() < KEYS_KEPT) {
        secretKeys.put(key, known);
      }
    }
    return known;
  }

  @Override
  public void incr(String name, long count, Tags tags) {
    delegate.incr(name, count, masked(tags));
  }

  @Override
  public void decr(String name, long count, Tags tags) {
    delegate.decr(name, count, masked(tags));
  }

  @Override
  public void gauge(String name, double value, Tags tags) {
    delegate.gauge(name, value, masked(tags));
  }

  @Override
  public void timing(String name, Duration duration, Tags tags, Context context) {
    delegate.timing(name, duration, masked(tags), context);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
