package io.contrail.dag;

import java.util.Locale;

/** What a task does when it runs; the {@code type:} key of a task in DAG YAML. */
public enum TaskType {
  SHELL, HTTP, NOOP, SLEEP, JAVA;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskType parse(String value) {
    for (TaskType t : values()) {
      if (t.id().equals(value)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown task type '" + value + "' (expected shell, http, noop, sleep or java)");
  }
}
