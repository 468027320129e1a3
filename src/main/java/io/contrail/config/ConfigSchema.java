package io.contrail.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every section and key contrail.cfg knows, with its default and a one-line explanation. The single
 * list drives the default file, the defaults themselves and unknown-key detection, so the three
 * cannot drift apart.
 */
final class ConfigSchema {
  /** Free-form section: any key is a static tag, so it has no known keys. */
  static final String METRICS_TAGS = "metrics_tags";

  record Key(String section, String name, String defaultValue, String comment) {}

  private ConfigSchema() {}

  static List<Key> keys(Path home) {
    List<Key> k = new ArrayList<>();
    add(k, "core", "dags_folder", home.resolve("dags").toString(), "YAML DAG files and DAG jars");
    add(k, "core", "load_examples", "true", "also load the bundled example DAGs");
    add(k, "core", "dags_are_paused_at_creation", "true", "new DAGs start paused");
    add(k, "core", "deployment_name", "local", "one Contrail installation (service.namespace)");
    add(k, "core", "executor", "local", "sequential | local");
    add(k, "core", "parallelism", "32", "task instances running at once, all DAGs together");
    add(k, "core", "default_pool_slots", "128", "slots of default_pool");
    add(k, "database", "url", "jdbc:h2:file:" + home.resolve("contrail"),
        "or jdbc:postgresql://host/db");
    add(k, "database", "user", "sa", "database user");
    add(k, "database", "password", "", "database password");
    add(k, "database", "pool_size", "10", "connections in the pool");
    add(k, "scheduler", "loop_interval_ms", "1000", "pause between scheduler loops");
    add(k, "scheduler", "job_heartbeat_ms", "2000", "how often a running job reports it is alive");
    add(k, "scheduler", "zombie_threshold_ms", "30000", "silence after which a task is a zombie");
    add(k, "scheduler", "dag_dir_list_interval_ms", "5000", "how often dags_folder is rescanned");
    add(k, "scheduler", "graceful_shutdown_timeout_ms", "30000", "wait for running tasks on stop");
    add(k, "metrics", "statsd_on", "false", "send metrics to StatsD");
    add(k, "metrics", "statsd_host", "localhost", "StatsD host");
    add(k, "metrics", "statsd_port", "8125", "StatsD UDP port");
    add(k, "metrics", "statsd_prefix", "contrail", "prefix of every StatsD metric name");
    add(k, "metrics", "statsd_datadog_tags", "false", "DogStatsD tags instead of plain StatsD");
    add(k, "metrics", "otel_on", "false", "export metrics with OTLP");
    add(k, "metrics", "otel_host", "localhost", "OTLP collector host");
    add(k, "metrics", "otel_port", "4317", "OTLP collector port");
    add(k, "metrics", "otel_protocol", "grpc", "grpc | http/protobuf");
    add(k, "metrics", "otel_ssl_active", "false", "use https to reach the collector");
    add(k, "metrics", "otel_prefix", "contrail", "prefix of every OTel metric name");
    add(k, "metrics", "otel_interval_milliseconds", "60000", "OTLP metric export interval");
    add(k, "metrics", "prometheus_on", "false", "serve /metrics for Prometheus to scrape");
    add(k, "metrics", "prometheus_port", "9464", "port of the /metrics endpoint");
    add(k, "metrics", "metrics_allow_list", "", "comma-separated regexes; empty = all");
    add(k, "metrics", "metrics_block_list", "", "comma-separated regexes; empty = none");
    add(k, "metrics", "legacy_names_on", "true", "also send StatsD names with ids baked in");
    add(k, "traces", "otel_on", "false", "export traces with OTLP");
    add(k, "traces", "otel_host", "localhost", "OTLP collector host");
    add(k, "traces", "otel_port", "4317", "OTLP collector port");
    add(k, "traces", "otel_protocol", "grpc", "grpc | http/protobuf");
    add(k, "traces", "otel_ssl_active", "false", "use https to reach the collector");
    add(k, "traces", "otel_service", "contrail", "service.name of the spans");
    add(k, "traces", "service_per_dag", "false", "the seed's model: service.name = dag_id");
    add(k, "traces", "otel_debugging_on", "false", "also print spans to the console");
    add(k, "traces", "scheduler_spans", "slow", "off | slow | all  (scheduler loop spans)");
    add(k, "traces", "slow_loop_threshold_ms", "500", "a loop slower than this is 'slow'");
    add(k, "logs", "otel_on", "false", "export task and component logs as OTel log records");
    add(k, "logs", "base_log_folder", home.resolve("logs").toString(), "task attempt logs");
    return List.copyOf(k);
  }

  /** Section name to its keys, in file order; metrics_tags is present with no keys. */
  static Map<String, Map<String, Key>> bySection(Path home) {
    Map<String, Map<String, Key>> sections = new LinkedHashMap<>();
    for (Key key : keys(home)) {
      sections.computeIfAbsent(key.section(), s -> new LinkedHashMap<>()).put(key.name(), key);
      if (key.section().equals("metrics")) {
        // metrics_tags sits right after metrics in the file, as in the design's example.
        sections.putIfAbsent(METRICS_TAGS, new LinkedHashMap<>());
      }
    }
    return sections;
  }

  static String defaultFileText(Path home) {
    StringBuilder text = new StringBuilder()
        .append("; Contrail configuration. Every key can be overridden by an environment variable\n")
        .append("; CONTRAIL__<SECTION>__<KEY>, e.g. CONTRAIL__CORE__PARALLELISM=8.\n");
    for (Map.Entry<String, Map<String, Key>> section : bySection(home).entrySet()) {
      text.append('\n');
      if (section.getKey().equals(METRICS_TAGS)) {
        text.append(pad("[" + METRICS_TAGS + "]"))
            .append("; static tags on every metric AND every span resource\n")
            .append("; cluster_id = blue\n");
        continue;
      }
      text.append('[').append(section.getKey()).append("]\n");
      for (Key key : section.getValue().values()) {
        text.append(pad(key.name() + " = " + key.defaultValue())).append("; ")
            .append(key.comment()).append('\n');
      }
    }
    return text.toString();
  }

  private static String pad(String s) {
    return s.length() >= 34 ? s + "  " : s + " ".repeat(35 - s.length());
  }

  private static void add(List<Key> keys, String section, String name, String def, String why) {
    keys.add(new Key(section, name, def, why));
  }
}
