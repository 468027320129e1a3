package io.contrail.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One snapshot of what a process was started with: its environment variables, its {@code -Dotel.*}
 * system properties and its host name, read once by {@link #capture()} at start-up and handed to
 * the composition root. Nothing else in Contrail reads the environment, so a test or a benchmark
 * can start any role on an environment of its own.
 */
public record Environment(Map<String, String> variables, Map<String, String> otelSystemProperties,
    String hostname) {

  public Environment {
    variables = Map.copyOf(variables);
    otelSystemProperties = Map.copyOf(otelSystemProperties);
  }

  /** This process's environment: the only place Contrail calls {@link System#getenv()}. */
  public static Environment capture() {
    Map<String, String> otel = new HashMap<>();
    System.getProperties().forEach((k, v) -> {
      if (k instanceof String key && key.startsWith("otel.") && v instanceof String value) {
        otel.put(key, value);
      }
    });
    Map<String, String> variables = System.getenv();
    return new Environment(variables, otel, hostnameOf(variables));
  }

  /** An environment of exactly these variables and no otel system properties (tests, benchmarks). */
  public static Environment of(Map<String, String> variables) {
    return new Environment(variables, Map.of(), hostnameOf(variables));
  }

  /** This environment with {@code name} set to {@code value}. */
  public Environment with(String name, String value) {
    Map<String, String> copy = new HashMap<>(variables);
    copy.put(name, value);
    return new Environment(copy, otelSystemProperties, hostname);
  }

  /** This environment with every variable of {@code overrides} set. */
  public Environment with(Map<String, String> overrides) {
    Map<String, String> copy = new HashMap<>(variables);
    copy.putAll(overrides);
    return new Environment(copy, otelSystemProperties, hostname);
  }

  public String get(String name) {
    return variables.get(name);
  }

  /** CONTRAIL_HOME, else ~/contrail. */
  public Path home() {
    return ConfigLoader.resolveHome(variables);
  }

  /**
   * The OpenTelemetry SDK settings in force: OTEL_* variables under their property names
   * ({@code OTEL_TRACES_SAMPLER} is {@code otel.traces.sampler}), overridden by {@code -Dotel.*}
   * system properties, the SDK's own order of precedence.
   */
  public Map<String, String> otelProperties() {
    Map<String, String> out = new TreeMap<>();
    variables.forEach((k, v) -> {
      if (k.startsWith("OTEL_")) {
        out.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    out.putAll(otelSystemProperties);
    return out;
  }

  @Override
  public String toString() {
    // variables hold credentials (CONTRAIL__DATABASE__PASSWORD, OTEL_EXPORTER_OTLP_HEADERS): never print them
    return "Environment[" + variables.size() + " variables, " + otelSystemProperties.size()
        + " otel properties, hostname=" + hostname + "]";
  }

  private static String hostnameOf(Map<String, String> variables) {
    String env = variables.get("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
