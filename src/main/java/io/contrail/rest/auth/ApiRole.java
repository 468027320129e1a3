package io.contrail.rest.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an account of the REST API may do: {@code viewer} reads everything (logs and {@code /wait}
 * included) and changes nothing; {@code op} also triggers, pauses, clears, marks and deletes DAGs
 * and runs and manages pools (Airflow's {@code user} and {@code op} together); {@code admin} may do
 * everything.
 */
public enum ApiRole {
  VIEWER, OP, ADMIN;

  /** May call an operation that changes something (any method but GET and HEAD). */
  public boolean mayWrite() {
    return this != VIEWER;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ApiRole> parse(String text) {
    return Arrays.stream(values()).filter(r -> r.id().equals(text)).findFirst();
  }
}
