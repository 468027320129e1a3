package io.contrail.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.contrail.testing.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files under deploy/ as a test uses them: the shipped Collector and Prometheus configs copied
 * with free loopback ports (nothing else changed), the Grafana provisioning, and every query of the
 * bundled dashboard with its Grafana variables filled in as the dashboard's defaults would.
 */
final class DeployKit {
  static final Path DEPLOY = Peers.projectRoot().resolve("deploy");
  static final Path COLLECTOR_CONFIG = DEPLOY.resolve("otel-collector.yaml");
  static final Path PROMETHEUS_CONFIG = DEPLOY.resolve("prometheus.yml");
  static final Path DASHBOARD = DEPLOY.resolve("grafana/dashboards/contrail.json");
  static final Path DATASOURCES = DEPLOY.resolve("grafana/provisioning/datasources/datasources.yaml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

  /** One query of the dashboard: a panel target or a template variable. */
  record Query(String panel, String expr, boolean exemplar) {
    /** The PromQL Grafana sends with the default variables: prefix contrail, every DAG, a window of {@code range}. */
    String promql(Duration range) {
      String window = range.toSeconds() + "s";
      return expr.replace("${prefix}", "contrail").replace("$__rate_interval", window)
          .replace("$__range", window).replace("$__interval", window).replace("$dag_id", ".*");
    }

    @Override
    public String toString() {
      return "'" + panel + "': " + expr;
    }
  }

  /** Ports of a Collector run by a test; the trace exporter goes to {@code traceBackend} (host:port). */
  record CollectorPorts(int grpc, int http, int prometheus, int healthCheck, String traceBackend) {}

  private DeployKit() {}

  static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * deploy/otel-collector.yaml with loopback endpoints on the given ports, and the Collector's own
   * metrics off (they would take the fixed port 8888).
   */
  static Path collectorConfig(Path dir, CollectorPorts ports) {
    ObjectNode c = (ObjectNode) yaml(COLLECTOR_CONFIG);
    set(c, "/receivers/otlp/protocols/grpc", "endpoint", "127.0.0.1:" + ports.grpc());
    set(c, "/receivers/otlp/protocols/http", "endpoint", "127.0.0.1:" + ports.http());
    set(c, "/exporters/prometheus", "endpoint", "127.0.0.1:" + ports.prometheus());
    set(c, "/exporters/otlp_grpc~1jaeger", "endpoint", ports.traceBackend());
    set(c, "/extensions/health_check", "endpoint", "127.0.0.1:" + ports.healthCheck());
    ((ObjectNode) c.path("service")).putObject("telemetry").putObject("metrics").put("level", "none");
    return write(dir.resolve("otel-collector.yaml"), c);
  }

  /** A Collector that stands in for Jaeger: OTLP/gRPC in on {@code port}, every span to {@code spans} as OTLP JSON lines. */
  static Path traceBackendConfig(Path dir, int port, Path spans) {
    ObjectNode c = YAML.createObjectNode();
    c.putObject("receivers").putObject("otlp").putObject("protocols").putObject("grpc").put("endpoint", "127.0.0.1:" + port);
    c.putObject("exporters").putObject("file").put("path", spans.toString()).put("flush_interval", "100ms");
    ObjectNode service = c.putObject("service");
    service.putObject("telemetry").putObject("metrics").put("level", "none");
    ObjectNode traces = service.putObject("pipelines").putObject("traces");
    traces.putArray("receivers").add("otlp");
    traces.putArray("exporters").add("file");
    return write(dir.resolve("trace-backend.yaml"), c);
  }

  /**
   * deploy/prometheus.yml reduced to one scrape job, whose target becomes {@code target}, scraping
   * every {@code interval} (the shipped 15 s would make the test slow); the job's other settings
   * (honor_labels ...) and the exemplar storage stay as shipped.
   */
  static Path prometheusConfig(Path dir, String job, String target, Duration interval) {
    ObjectNode c = (ObjectNode) yaml(PROMETHEUS_CONFIG);
    ObjectNode global = (ObjectNode) c.path("global");
    global.put("scrape_interval", interval.toMillis() + "ms").put("scrape_timeout", interval.toMillis() + "ms");
    ArrayNode jobs = (ArrayNode) c.path("scrape_configs");
    ObjectNode kept = null;
    for (JsonNode j : jobs) {
      if (j.path("job_name").asText().equals(job)) {
        kept = (ObjectNode) j;
      }
    }
    if (kept == null) {
      throw new IllegalStateException(PROMETHEUS_CONFIG + " has no scrape job '" + job + "'");
    }
    ((ObjectNode) kept.path("static_configs").path(0)).putArray("targets").add(target);
    jobs.removeAll();
    jobs.add(kept);
    return write(dir.resolve("prometheus-" + job + ".yml"), c);
  }

  /** Every panel query and template variable query of the dashboard, rows' nested panels included. */
  static List<Query> dashboardQueries() {
    JsonNode d = dashboard();
    List<Query> out = new ArrayList<>();
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
        if (!m.matches()) {
          throw new IllegalStateException("variable " + v.path("name") + ": not a label_values() query");
        }
        out.add(new Query("variable " + v.path("name").asText(), "count by (" + m.group(2) + ") (" + m.group(1) + ")", false));
      }
    }
    collect(d.path("panels"), out);
    return out;
  }

  /** Datasource uids the dashboard refers to. */
  static List<String> dashboardDatasourceUids() {
    return dashboard().findValues("datasource").stream().map(ds -> ds.path("uid").asText()).distinct().toList();
  }

  private static JsonNode dashboard() {
    try {
      return JSON.readTree(DASHBOARD.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collect(JsonNode panels, List<Query> out) {
    for (JsonNode p : panels) {
      for (JsonNode t : p.path("targets")) {
        out.add(new Query(p.path("title").asText(), t.path("expr").asText(), t.path("exemplar").asBoolean()));
      }
      collect(p.path("panels"), out);
    }
  }

  private static void set(ObjectNode config, String pointer, String key, String value) {
    JsonNode node = config.at(pointer);
    if (!(node instanceof ObjectNode o)) {
      throw new IllegalStateException(COLLECTOR_CONFIG + " has no " + pointer + " section");
    }
    o.put(key, value);
  }

  private static Path write(Path file, JsonNode config) {
    try {
      Files.createDirectories(file.getParent());
      YAML.writeValue(file.toFile(), config);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
