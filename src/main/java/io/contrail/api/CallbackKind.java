package io.contrail.api;

import java.util.Locale;

/**
 * When a callback runs, as Airflow names them: a task instance succeeded, failed for good, or
 * failed a try that will be retried; a run succeeded or failed (the DAG's callbacks); a run missed
 * its deadline.
 */
public enum CallbackKind {
  ON_SUCCESS, ON_FAILURE, ON_RETRY, ON_DEADLINE_MISSED;

  /** The key in DAG YAML and the suffix of the callback span: on_success, on_failure ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CallbackKind parse(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
