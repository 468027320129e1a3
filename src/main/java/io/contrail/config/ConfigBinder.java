package io.contrail.config;

import io.contrail.config.Settings.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns raw {@link Settings} into a typed {@link ContrailConfig}, validating every value. Each
 * failure names the value's origin, so the user learns which line or variable to fix.
 */
final class ConfigBinder {
  private static final Set<String> EXECUTORS = Set.of("sequential", "local");
  private static final Set<String> PROTOCOLS = Set.of("grpc", "http/protobuf");
  private static final Set<String> SCHEDULER_SPANS = Set.of("off", "slow", "all");

  private final Path home;
  private final Settings settings;

  private ConfigBinder(Path home, Settings settings) {
    this.home = home;
    this.settings = settings;
  }

  static ContrailConfig bind(Path home, Settings settings) {
    return new ConfigBinder(home, settings).bind();
  }

  private ContrailConfig bind() {
    var core = new ContrailConfig.Core(
        path("core", "dags_folder"),
        bool("core", "load_examples"),
        bool("core", "dags_are_paused_at_creation"),
        text("core", "deployment_name"),
        oneOf("core", "executor", EXECUTORS),
        positiveInt("core", "parallelism"),
        positiveInt("core", "default_pool_slots"));
    var database = new ContrailConfig.Database(
        databaseUrl(), text("database", "user"), text("database", "password"),
        positiveInt("database", "pool_size"));
    var scheduler = new ContrailConfig.Scheduler(
        millis("scheduler", "loop_interval_ms"),
        millis("scheduler", "job_heartbeat_ms"),
        millis("scheduler", "zombie_threshold_ms"),
        millis("scheduler", "dag_dir_list_interval_ms"),
        millis("scheduler", "graceful_shutdown_timeout_ms"));
    var metrics = new ContrailConfig.Metrics(
        bool("metrics", "statsd_on"),
        text("metrics", "statsd_host"),
        port("metrics", "statsd_port"),
        text("metrics", "statsd_prefix"),
        bool("metrics", "statsd_datadog_tags"),
        bool("metrics", "otel_on"),
        text("metrics", "otel_host"),
        port("metrics", "otel_port"),
        oneOf("metrics", "otel_protocol", PROTOCOLS),
        bool("metrics", "otel_ssl_active"),
        text("metrics", "otel_prefix"),
        millis("metrics", "otel_interval_milliseconds"),
        bool("metrics", "prometheus_on"),
        port("metrics", "prometheus_port"),
        patterns("metrics", "metrics_allow_list"),
        patterns("metrics", "metrics_block_list"),
        bool("metrics", "legacy_names_on"));
    var traces = new ContrailConfig.Traces(
        bool("traces", "otel_on"),
        text("traces", "otel_host"),
        port("traces", "otel_port"),
        oneOf("traces", "otel_protocol", PROTOCOLS),
        bool("traces", "otel_ssl_active"),
        text("traces", "otel_service"),
        bool("traces", "service_per_dag"),
        bool("traces", "otel_debugging_on"),
        oneOf("traces", "scheduler_spans", SCHEDULER_SPANS),
        millis("traces", "slow_loop_threshold_ms"));
    var logs = new ContrailConfig.Logs(bool("logs", "otel_on"), path("logs", "base_log_folder"));
    return new ContrailConfig(
        home, core, database, scheduler, metrics, settings.tags(), traces, logs);
  }

  private String text(String section, String key) {
    return settings.get(section, key).value();
  }

  private boolean bool(String section, String key) {
    Setting s = settings.get(section, key);
    return switch (s.value().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw s.invalid("not a boolean (true/false/yes/no/1/0)");
    };
  }

  private int positiveInt(String section, String key) {
    Setting s = settings.get(section, key);
    long n = parseLong(s, "must be a positive integer");
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw s.invalid("must be a positive integer");
    }
    return (int) n;
  }

  private long millis(String section, String key) {
    Setting s = settings.get(section, key);
    long n = parseLong(s, "must be a positive number of milliseconds");
    if (n < 1) {
      throw s.invalid("must be a positive number of milliseconds");
    }
    return n;
  }

  private int port(String section, String key) {
    Setting s = settings.get(section, key);
    long n = parseLong(s, "not a port number (1-65535)");
    if (n < 1 || n > 65535) {
      throw s.invalid("not a port number (1-65535)");
    }
    return (int) n;
  }

  private static long parseLong(Setting s, String reason) {
    try {
      return Long.parseLong(s.value().strip());
    } catch (NumberFormatException e) {
      throw s.invalid(reason);
    }
  }

  private String oneOf(String section, String key, Set<String> allowed) {
    Setting s = settings.get(section, key);
    String value = s.value().toLowerCase(Locale.ROOT);
    if (!allowed.contains(value)) {
      throw s.invalid("must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
    return value;
  }

  /** Expands a leading ~ to user.home; a relative path is taken relative to CONTRAIL_HOME. */
  private Path path(String section, String key) {
    Setting s = settings.get(section, key);
    if (s.value().isBlank()) {
      throw s.invalid("must be a path");
    }
    return home.resolve(expandTilde(s.value())).normalize();
  }

  static String expandTilde(String value) {
    if (value.equals("~") || value.startsWith("~/")) {
      return System.getProperty("user.home") + value.substring(1);
    }
    return value;
  }

  private String databaseUrl() {
    Setting s = settings.get("database", "url");
    String url = s.value();
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw s.invalid("must start with jdbc:h2: or jdbc:postgresql:");
    }
    // H2 would expand ~ itself; doing it here makes the logged URL show the real file.
    String fileUrl = "jdbc:h2:file:";
    if (url.startsWith(fileUrl)) {
      return fileUrl + expandTilde(url.substring(fileUrl.length()));
    }
    return url;
  }

  private List<Pattern> patterns(String section, String key) {
    Setting s = settings.get(section, key);
    List<Pattern> patterns = new ArrayList<>();
    for (String part : s.value().split(",")) {
      String regex = part.strip();
      if (regex.isEmpty()) {
        continue;
      }
      try {
        patterns.add(Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw s.invalid("'" + regex + "' is not a valid regular expression: "
            + e.getDescription());
      }
    }
    return List.copyOf(patterns);
  }
}
