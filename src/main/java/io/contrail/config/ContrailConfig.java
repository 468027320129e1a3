package io.contrail.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated, immutable configuration of one Contrail installation: {@code contrail.cfg} under
 * {@code CONTRAIL_HOME} with {@code CONTRAIL__SECTION__KEY} environment overrides applied. Built
 * once at start-up by {@link ConfigLoader} and passed to every component; each nested record is one
 * section of the file.
 */
public record ContrailConfig(
    Path home,
    Core core,
    Database database,
    Scheduler scheduler,
    Metrics metrics,
    Map<String, String> metricsTags,
    Traces traces,
    Logs logs) {

  public ContrailConfig {
    // Map.copyOf would lose the order tags were written in, which users expect to see kept.
    metricsTags = Collections.unmodifiableMap(new LinkedHashMap<>(metricsTags));
  }

  /** The configuration a fresh installation gets: every key at its default, paths under home. */
  public static ContrailConfig defaults(Path home) {
    Path absolute = home.toAbsolutePath().normalize();
    return ConfigBinder.bind(absolute, Settings.defaults(absolute));
  }

  /** Section {@code [core]}. */
  public record Core(
      Path dagsFolder,
      boolean loadExamples,
      boolean dagsArePausedAtCreation,
      String deploymentName,
      String executor,
      int parallelism,
      int defaultPoolSlots) {}

  /** Section {@code [database]}. */
  public record Database(String url, String user, String password, int poolSize) {
    @Override
    public String toString() {
      // Configs get logged at start-up; the password must not end up in the log.
      return "Database[url=" + url + ", user=" + user + ", password=***, poolSize=" + poolSize + "]";
    }
  }

  /** Section {@code [scheduler]}. */
  public record Scheduler(
      long loopIntervalMs,
      long jobHeartbeatMs,
      long zombieThresholdMs,
      long dagDirListIntervalMs,
      long gracefulShutdownTimeoutMs) {}

  /** Section {@code [metrics]}. */
  public record Metrics(
      boolean statsdOn,
      String statsdHost,
      int statsdPort,
      String statsdPrefix,
      boolean statsdDatadogTags,
      boolean otelOn,
      String otelHost,
      int otelPort,
      String otelProtocol,
      boolean otelSslActive,
      String otelPrefix,
      long otelIntervalMilliseconds,
      boolean prometheusOn,
      int prometheusPort,
      List<Pattern> metricsAllowList,
      List<Pattern> metricsBlockList,
      boolean legacyNamesOn) {
    public Metrics {
      metricsAllowList = List.copyOf(metricsAllowList);
      metricsBlockList = List.copyOf(metricsBlockList);
    }
  }

  /** Section {@code [traces]}. */
  public record Traces(
      boolean otelOn,
      String otelHost,
      int otelPort,
      String otelProtocol,
      boolean otelSslActive,
      String otelService,
      boolean servicePerDag,
      boolean otelDebuggingOn,
      String schedulerSpans,
      long slowLoopThresholdMs) {}

  /** Section {@code [logs]}. */
  public record Logs(boolean otelOn, Path baseLogFolder) {}
}
