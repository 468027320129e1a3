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
 * once at start-up by {@link ConfigLoader} and passed to every component. Each nested record is one
 * section of the file, in file order, and each of its components declares one key with
 * {@link Key}: that declaration is the only place a key's name, default, comment and parser live.
 */
public record ContrailConfig(
    Path home,
    Core core,
    Database database,
    Scheduler scheduler,
    Metrics metrics,
    Map<String, String> metricsTags,
    Traces traces,
    Logs logs,
    Api api,
    Worker worker) {

  public ContrailConfig {
    // Map.copyOf would lose the order tags were written in, which users expect to see kept.
    metricsTags = Collections.unmodifiableMap(new LinkedHashMap<>(metricsTags));
  }

  /** This configuration with other [metrics] settings. */
  public ContrailConfig withMetrics(Metrics newMetrics) {
    return new ContrailConfig(home, core, database, scheduler, newMetrics, metricsTags, traces, logs, api, worker);
  }

  /** The configuration a fresh installation gets: every key at its default, paths under home. */
  public static ContrailConfig defaults(Path home) {
    Path absolute = home.toAbsolutePath().normalize();
    return ConfigBinder.bind(absolute, Settings.defaults(absolute));
  }

  /** Section {@code [core]}. */
  public record Core(
      @Key(value = "${home}/dags", comment = "YAML DAG files and DAG jars") Path dagsFolder,
      @Key(value = "true", comment = "also load the bundled example DAGs") boolean loadExamples,
      @Key(value = "true", comment = "new DAGs start paused") boolean dagsArePausedAtCreation,
      @Key(value = "local", comment = "one Contrail installation (service.namespace)") String deploymentName,
      @Key(value = "local", comment = "sequential | local | distributed (schedulers queue, `contrail worker` processes run)",
          oneOf = {"sequential", "local", "distributed"}) String executor,
      @Key(value = "32", comment = "task instances running at once, all DAGs together") int parallelism,
      @Key(value = "128", comment = "slots of default_pool") int defaultPoolSlots,
      @Key(value = "1048576", comment = "a larger DAG file is an import error, not parsed") int maxDagFileBytes,
      @Key(value = "30000", comment = "a DAG file taking longer to parse is given up") long dagbagImportTimeoutMs,
      @Key(value = "", comment = "comma-separated extra names whose values are masked as secrets",
          parser = Parser.NAMES) List<String> sensitiveVarConnNames,
      @Key(value = "true", comment = "run a shell task's command without bash when it needs no shell (docs/dags.md)")
          boolean shellDirectExec) {
    public Core {
      sensitiveVarConnNames = List.copyOf(sensitiveVarConnNames);
    }
  }

  /** Section {@code [database]}. */
  public record Database(
      @Key(value = "jdbc:h2:file:${home}/contrail", comment = "or jdbc:postgresql://host/db",
          parser = Parser.JDBC_URL) String url,
      @Key(value = "sa", comment = "database user") String user,
      @Key(value = "", comment = "database password") String password,
      @Key(value = "10", comment = "connections in the pool") int poolSize) {
    @Override
    public String toString() {
      // Configs get logged at start-up; the password must not end up in the log.
      return "Database[url=" + url + ", user=" + user + ", password=***, poolSize=" + poolSize + "]";
    }
  }

  /** Section {@code [scheduler]}. */
  public record Scheduler(
      @Key(value = "1000", comment = "pause between scheduler loops") long loopIntervalMs,
      @Key(value = "2000", comment = "how often a running job reports it is alive") long jobHeartbeatMs,
      @Key(value = "30000", comment = "silence after which a task is a zombie") long zombieThresholdMs,
      @Key(value = "5000", comment = "how often dags_folder is rescanned") long dagDirListIntervalMs,
      @Key(value = "30000", comment = "wait for running tasks on stop") long gracefulShutdownTimeoutMs,
      @Key(value = "3", comment = "graceful stops a running try may be handed back at before it fails instead")
          int maxHandbacks) {}

  /** Section {@code [metrics]}. */
  public record Metrics(
      @Key(value = "false", comment = "send metrics to StatsD") boolean statsdOn,
      @Key(value = "localhost", comment = "StatsD host") String statsdHost,
      @Key(value = "8125", comment = "StatsD UDP port", parser = Parser.PORT) int statsdPort,
      @Key(value = "contrail", comment = "prefix of every StatsD metric name") String statsdPrefix,
      @Key(value = "false", comment = "DogStatsD tags instead of plain StatsD") boolean statsdDatadogTags,
      @Key(value = "false", comment = "export metrics with OTLP") boolean otelOn,
      @Key(value = "localhost", comment = "OTLP collector host") String otelHost,
      @Key(value = "4317", comment = "OTLP collector port", parser = Parser.PORT) int otelPort,
      @Key(value = "grpc", comment = "grpc | http/protobuf", oneOf = {"grpc", "http/protobuf"}) String otelProtocol,
      @Key(value = "false", comment = "use https to reach the collector") boolean otelSslActive,
      @Key(value = "contrail", comment = "prefix of every OTel metric name") String otelPrefix,
      @Key(value = "60000", comment = "OTLP metric export interval") long otelIntervalMilliseconds,
      @Key(value = "exponential", comment = "OTLP histograms: exponential (as Airflow 3.3) | explicit (buckets 1 ms to 24 h)",
          oneOf = {"exponential", "explicit"}) String otelHistograms,
      @Key(value = "false", comment = "serve /metrics for Prometheus to scrape") boolean prometheusOn,
      @Key(value = "127.0.0.1", comment = "address /metrics listens on (0.0.0.0: every interface)",
          parser = Parser.HOST) String prometheusHost,
      @Key(value = "9464", comment = "port of the /metrics endpoint", parser = Parser.PORT) int prometheusPort,
      @Key(value = "", comment = "comma-separated regexes; empty = all") List<Pattern> metricsAllowList,
      @Key(value = "", comment = "comma-separated regexes; empty = none") List<Pattern> metricsBlockList,
      @Key(value = "true", comment = "StatsD only: also send Airflow's legacy names with ids baked in"
          + " (OTLP and /metrics carry the ids as attributes)") boolean legacyNamesOn) {
    public Metrics {
      metricsAllowList = List.copyOf(metricsAllowList);
      metricsBlockList = List.copyOf(metricsBlockList);
    }

    /** These settings without the /metrics endpoint, for a process nothing scrapes (a CLI command). */
    public Metrics withoutPrometheus() {
      return new Metrics(statsdOn, statsdHost, statsdPort, statsdPrefix, statsdDatadogTags, otelOn, otelHost,
          otelPort, otelProtocol, otelSslActive, otelPrefix, otelIntervalMilliseconds, otelHistograms, false, prometheusHost,
          prometheusPort,
          metricsAllowList, metricsBlockList, legacyNamesOn);
    }
  }

  /** Section {@code [traces]}. */
  public record Traces(
      @Key(value = "false", comment = "export traces with OTLP") boolean otelOn,
      @Key(value = "localhost", comment = "OTLP collector host") String otelHost,
      @Key(value = "4317", comment = "OTLP collector port", parser = Parser.PORT) int otelPort,
      @Key(value = "grpc", comment = "grpc | http/protobuf", oneOf = {"grpc", "http/protobuf"}) String otelProtocol,
      @Key(value = "false", comment = "use https to reach the collector") boolean otelSslActive,
      @Key(value = "contrail", comment = "service.name of the spans") String otelService,
      @Key(value = "false", comment = "one service per DAG: service.name = dag_id") boolean servicePerDag,
      @Key(value = "false", comment = "also print spans to the console") boolean otelDebuggingOn,
      @Key(value = "slow", comment = "off | slow | all  (scheduler loop spans)",
          oneOf = {"off", "slow", "all"}) String schedulerSpans,
      @Key(value = "500", comment = "a loop slower than this is 'slow'") long slowLoopThresholdMs,
      @Key(value = "5000", comment = "a stopping process waits this long at most for spans to leave") long shutdownFlushMs,
      @Key(value = "", comment = "first start with traces on: also export runs queued since (ISO date)")
          java.time.Instant firstExportSince) {}

  /** Section {@code [logs]}. */
  public record Logs(
      @Key(value = "false", comment = "export task and component logs as OTel log records (needs [traces] otel_on)")
          boolean otelOn,
      @Key(value = "${home}/logs", comment = "task attempt logs") Path baseLogFolder,
      @Key(value = "", comment = "OTLP host for log records; empty: [traces] otel_host") String otelHost,
      @Key(value = "", comment = "OTLP port for log records; empty: [traces] otel_port", parser = Parser.OPTIONAL_PORT)
          Integer otelPort,
      @Key(value = "", comment = "grpc | http/protobuf; empty: [traces] otel_protocol",
          oneOf = {"", "grpc", "http/protobuf"}) String otelProtocol,
      @Key(value = "", comment = "true | false: https for log records; empty: [traces] otel_ssl_active",
          oneOf = {"", "true", "false"}) String otelSslActive,
      @Key(value = "64", comment = "component log records waiting for export, at most (MB on disk); beyond, dropped and counted")
          int componentSpoolMaxMb) {

    /** Whether any of the endpoint keys is set: then log records have an endpoint of their own. */
    public boolean ownEndpoint() {
      return !otelHost.isEmpty() || otelPort != null || !otelProtocol.isEmpty() || !otelSslActive.isEmpty();
    }

    /** The host in force for log records. */
    public String host(Traces traces) {
      return otelHost.isEmpty() ? traces.otelHost() : otelHost;
    }

    public int port(Traces traces) {
      return otelPort == null ? traces.otelPort() : otelPort;
    }

    public String protocol(Traces traces) {
      return otelProtocol.isEmpty() ? traces.otelProtocol() : otelProtocol;
    }

    public boolean sslActive(Traces traces) {
      return otelSslActive.isEmpty() ? traces.otelSslActive() : otelSslActive.equals("true");
    }
  }

  /** Section {@code [api]}: the REST API (Airflow's REST API v2 paths) served by api-server and standalone. */
  public record Api(
      @Key(value = "127.0.0.1", comment = "address the REST API listens on") String host,
      @Key(value = "8080", comment = "port of the REST API (0: any free port)", parser = Parser.LISTEN_PORT) int port,
      @Key(value = "", comment = "URL users reach the API at; empty: http://host:port") String baseUrl,
      @Key(value = "password", comment = "password | none (none only on a loopback host)",
          oneOf = {"password", "none"}) String auth,
      @Key(value = "admin", comment = "the admin account") String adminUsername,
      @Key(value = "", comment = "empty: generated into CONTRAIL_HOME/api_admin_password (0600)") String adminPassword,
      @Key(value = "", comment = "more accounts: name:role:bcrypt-hash,... (role admin | op | viewer)") String users,
      @Key(value = "", comment = "HMAC key signing tokens; empty: generated into CONTRAIL_HOME/api_secret_key")
          String jwtSecret,
      @Key(value = "86400", comment = "seconds a token from /auth/token stays valid") int jwtExpirationTime,
      @Key(value = "3600", comment = "seconds a token from /auth/token/cli stays valid") int jwtCliExpirationTime,
      @Key(value = "5", comment = "failed logins one client address may make within login_rate_window_seconds before"
          + " its next attempts are refused (429) until the oldest leaves the window; 0: no limit") int loginRateLimit,
      @Key(value = "40", comment = "the window of login_rate_limit, in seconds") int loginRateWindowSeconds,
      @Key(value = "", comment = "origins CORS allows, comma-separated; empty: CORS off") String accessControlAllowOrigins,
      @Key(value = "1048576", comment = "largest request body accepted, in bytes") int maxRequestBodyBytes,
      @Key(value = "", comment = "e.g. http://localhost:16686/trace/{trace_id}") String traceUrlTemplate) {
    @Override
    public String toString() {
      // configs get logged at start-up: passwords, hashes and the signing key must not end up in the log
      return "Api[host=" + host + ", port=" + port + ", baseUrl=" + baseUrl + ", auth=" + auth + ", adminUsername="
          + adminUsername + ", adminPassword=***, users=***, jwtSecret=***, jwtExpirationTime=" + jwtExpirationTime
          + ", jwtCliExpirationTime=" + jwtCliExpirationTime + ", loginRateLimit=" + loginRateLimit
          + ", loginRateWindowSeconds=" + loginRateWindowSeconds + ", accessControlAllowOrigins="
          + accessControlAllowOrigins + ", maxRequestBodyBytes=" + maxRequestBodyBytes + "]";
    }
  }

  /** Section {@code [worker]}: the defaults of {@code contrail worker} (executor = distributed). */
  public record Worker(
      @Key(value = "16", comment = "task instances one worker runs at once") int concurrency,
      @Key(value = "default", comment = "comma-separated queues a worker takes tasks from") String queues,
      @Key(value = "1000", comment = "how often an idle worker looks for queued tasks") long pollIntervalMs,
      @Key(value = "8793", comment = "port of the worker's log server, which serves its attempt logs to the API server and CLI; 0: off",
          parser = Parser.PORT_OR_OFF) int logServerPort,
      @Key(value = "", comment = "address other machines reach the log server at; empty: this machine's hostname")
          String logServerHost,
      @Key(value = "0.0.0.0", comment = "address the log server listens on (every request must be signed)",
          parser = Parser.HOST) String logServerBindHost,
      @Key(value = "", comment = "key signing log requests; empty: [api] jwt_secret, or else CONTRAIL_HOME/api_secret_key")
          String logServerSecret) {

    @Override
    public String toString() {
      return "Worker[concurrency=" + concurrency + ", queues=" + queues + ", pollIntervalMs=" + pollIntervalMs
          + ", logServerPort=" + logServerPort + ", logServerHost=" + logServerHost + ", logServerBindHost="
          + logServerBindHost + ", logServerSecret=***]";
    }

    /** The queue names, checked: 1-250 characters of A-Z a-z 0-9 _ . - each, at least one. */
    public static java.util.List<String> parseQueues(String text) {
      java.util.List<String> out = new java.util.ArrayList<>();
      for (String q : text.split(",")) {
        String name = q.strip();
        if (name.isEmpty()) {
          continue;
        }
        if (!name.matches("[A-Za-z0-9_.-]{1,250}")) {
          throw new IllegalArgumentException("queue '" + name + "' must be 1-250 characters of A-Z a-z 0-9 _ . -");
        }
        if (!out.contains(name)) {
          out.add(name);
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no queue named (e.g. default,heavy)");
      }
      return java.util.List.copyOf(out);
    }
  }
}
