package io.contrail.api;

import java.util.Locale;

/**
 * When a task may run given the states of its upstream tasks, with Airflow's semantics. The
 * decision itself is {@code io.contrail.run.TriggerRuleEvaluator}.
 */
public enum TriggerRule {
  ALL_SUCCESS, ALL_FAILED, ALL_DONE, ONE_SUCCESS, ONE_FAILED, NONE_FAILED, ALWAYS;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TriggerRule parse(String value) {
    for (TriggerRule r : values()) {
      if (r.id().equals(value)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown trigger_rule '" + value
        + "' (expected all_success, all_failed, all_done, one_success, one_failed, none_failed or always)");
  }
}
