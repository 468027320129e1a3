package io.contrail.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a task does when it runs: one small record per task type ({@link ShellSpec},
 * {@link HttpSpec}, {@link SleepSpec}, {@link NoopSpec}, {@link JavaSpec}), named by the
 * {@code type:} key of a task in DAG YAML. A new task type is a new spec, an entry in
 * {@link #TYPES}, a reader in the YAML parser and a body in the executor.
 */
public interface TaskSpec {
  /** Every task type, by the id a DAG file names it with. */
  Map<String, Class<? extends TaskSpec>> TYPES = Map.of(
      "shell", ShellSpec.class,
      "http", HttpSpec.class,
      "noop", NoopSpec.class,
      "sleep", SleepSpec.class,
      "java", JavaSpec.class);

  /** The task type's id: shell, http, noop, sleep or java. */
  String type();

  static ShellSpec shell(String command) {
    return new ShellSpec(command, Map.of());
  }

  static HttpSpec http(String method, String url) {
    return new HttpSpec(method, url, Map.of(), null, List.of());
  }

  static SleepSpec sleep(Duration duration) {
    return new SleepSpec(duration);
  }

  static NoopSpec noop() {
    return new NoopSpec();
  }

  static JavaSpec java(String className) {
    return new JavaSpec(className);
  }
}
