package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliProcess;
import io.contrail.testing.OtelCollector;
import io.contrail.testing.Peers;
import io.contrail.testing.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/ against today's tools, for real: the shipped Collector config runs in an OpenTelemetry
 * Collector v0.161 built with its builder; Prometheus 2.x (Debian's) scrapes it with exemplar
 * storage on, and a second Prometheus scrapes Contrail's own /metrics directly. Contrail runs as a
 * user runs it, from the CLI: a standalone with metrics and traces on, triggered runs (one with a
 * retried task), a scheduled run, a run whose scheduler was SIGKILLed (recovered as a zombie), a
 * StatsD host that does not resolve, a Collector that starts after Contrail, and a {@code dags test}
 * from another installation. Then every query of the Grafana dashboard must return data on both
 * paths, and the latency panels' exemplars must name traces that reached the trace backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployStackE2eTest {
  // scrapes several times per metric export, as a 15 s scrape under a 60 s export interval does
  private static final Duration SCRAPE = Duration.ofMillis(250);
  private static final Duration EXPORT = Duration.ofMillis(1000);
  private static final Duration SETTLE = Duration.ofSeconds(40);
  private static final Pattern TRACE = Pattern.compile("\\(trace ([0-9a-f]{32})\\)");
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String ETL = """
      dag_id: %s
      schedule: null
      paused: false
      start_date: 2026-01-01T00:00:00Z
      tasks:
        - task_id: extract
          type: shell
          command: "echo extracting; sleep 0.2"
        - task_id: flaky
          type: shell
          command: 'if [ "$CONTRAIL_TRY_NUMBER" = 1 ]; then echo "first try fails" >&2; exit 1; fi; echo ok'
          retries: 1
          retry_delay: 300ms
          depends_on: [extract]
        - task_id: load
          type: noop
          depends_on: [flaky]
      """;

  private Path dir;

  private OtelCollector traceBackend;
  private Path receivedSpans;
  private OtelCollector collector;
  private PrometheusServer viaCollector;
  private PrometheusServer direct;
  private CliProcess cli;
  private CliProcess otherInstallation;
  private Instant started;
  private final Set<String> runTraceIds = new LinkedHashSet<>();
  private String dagsTestTraceId;
  private Map<DeployKit.Query, JsonNode> viaCollectorResults;
  private Map<DeployKit.Query, JsonNode> directResults;

  @BeforeAll
  void runContrailAgainstTheStack(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    Path otelcol = Peers.otelcol();
    Path prometheus = Peers.prometheus();
    started = Instant.now();
    int grpc = freePort();
    int collectorMetricsPort = freePort();
    int contrailMetrics = freePort();
    cli = contrail(new CliProcess(dir.resolve("home")), grpc);
    cli.dag("deploy_etl", ETL.formatted("deploy_etl"));
    cli.dag("deploy_hourly", """
        dag_id: deploy_hourly
        schedule: "@hourly"
        catchup: false
        paused: false
        start_date: 2026-01-01T00:00:00Z
        tasks:
          - task_id: report
            type: shell
            command: "echo report"
        """);
    Path stuckPid = dir.resolve("stuck.pid");
    CliProcess.Background zombie = startAZombie(stuckPid);

    // the peers start while the zombie's JVM does
    // Jaeger's stand-in: a second Collector that writes the spans it receives to a file
    int traceBackendPort = freePort();
    receivedSpans = dir.resolve("received-spans.jsonl");
    traceBackend = OtelCollector.start(otelcol, DeployKit.traceBackendConfig(dir, traceBackendPort, receivedSpans),
        dir.resolve("trace-backend.log"));
    Path collectorConfig = DeployKit.collectorConfig(dir, new DeployKit.CollectorPorts(grpc, freePort(),
        collectorMetricsPort, freePort(), "127.0.0.1:" + traceBackendPort));
    viaCollector = PrometheusServer.start(prometheus,
        DeployKit.prometheusConfig(dir, "otel-collector", "127.0.0.1:" + collectorMetricsPort, SCRAPE),
        dir.resolve("prometheus-otel-collector"), freePort());
    direct = PrometheusServer.start(prometheus,
        DeployKit.prometheusConfig(dir, "contrail", "127.0.0.1:" + contrailMetrics, SCRAPE),
        dir.resolve("prometheus-contrail"), freePort());

    // once the zombie's process has migrated the database, r1 waits there for the standalone
    await("dags test deploy_zombie started its run", () -> TRACE.matcher(zombie.stdout()).find(), zombie::toString);
    CliProcess.Background r1 = cli.start("dags", "trigger", "deploy_etl", "--run-id", "r1");
    killWhenStuck(zombie, stuckPid);
    assertThat(r1.waitFor(CliProcess.COMMAND_TIMEOUT)).as("exit code of %s", r1).isEqualTo(0);

    CliProcess.Background standalone = cli.env("CONTRAIL__METRICS__PROMETHEUS_ON", "true")
        .env("CONTRAIL__METRICS__PROMETHEUS_PORT", Integer.toString(contrailMetrics)).start("standalone");
    cli.env("CONTRAIL__METRICS__PROMETHEUS_ON", "false"); // CLI commands would fight over the port
    // the Collector comes up after Contrail, as it may under docker compose: exports fail first
    await("a failed OTLP export counted on Contrail's /metrics",
        () -> !direct.query("contrail_telemetry_export_failures_total").isEmpty(), standalone::toString);
    collector = OtelCollector.start(otelcol, collectorConfig, dir.resolve("otelcol.log"));

    // a dags test of another installation: a short-lived process whose metrics leave when it exits
    otherInstallation = contrail(new CliProcess(dir.resolve("other-home")), grpc);
    otherInstallation.dag("deploy_cli", ETL.formatted("deploy_cli"));
    CliProcess.Background dagsTest = otherInstallation.start("dags", "test", "deploy_cli");

    // the second run only once both Prometheus servers hold the first: rates and quantiles need two samples
    awaitRunsSeen("deploy_etl", 1, standalone);
    cli.ok("dags", "trigger", "deploy_etl", "--run-id", "r2");
    awaitRunsSeen("deploy_etl", 2, standalone);

    assertThat(dagsTest.waitFor(CliProcess.COMMAND_TIMEOUT)).as("exit code of %s", dagsTest).isEqualTo(0);
    Matcher m = TRACE.matcher(dagsTest.stdout());
    assertThat(m.find()).as("%s", dagsTest).isTrue();
    dagsTestTraceId = m.group(1);
    viaCollectorResults = awaitEveryQuery(viaCollector);
    directResults = awaitEveryQuery(direct);
    runTraceIds.addAll(cli.json("runs", "list", "--json").findValuesAsText("trace_id"));
    System.err.printf("deploy stack: every dashboard query answered after %d ms%n", Duration.between(started, Instant.now()).toMillis());
  }

  @AfterAll
  void stopEverything() {
    for (AutoCloseable c : new AutoCloseable[] {cli, otherInstallation, collector, viaCollector, direct, traceBackend}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
  }

  @Test
  void shippedCollectorConfigValidatesAndRunsWithoutADeprecationWarning() {
    Peers.Result validation = OtelCollector.validate(Peers.otelcol(), DeployKit.COLLECTOR_CONFIG);
    assertThat(validation.exitCode()).as(validation.stdout()).isZero();
    assertThat(validation.stdout()).doesNotContainIgnoringCase("deprecated");
    assertThat(collector.log()).as("Collector log").contains("Everything is ready").doesNotContainIgnoringCase("deprecated");
    assertThat(collector.warnings()).as("warnings and errors in the Collector log").isEmpty();
  }

  @Test
  void shippedPrometheusConfigPassesPromtool() throws Exception {
    Path promtool = Peers.prometheus().resolveSibling("promtool");
    Process p = new ProcessBuilder(promtool.toString(), "check", "config", DeployKit.PROMETHEUS_CONFIG.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void everyDashboardQueryReturnsDataThroughTheCollector() {
    assertEveryQueryHasData(viaCollectorResults, viaCollector);
  }

  @Test
  void everyDashboardQueryReturnsDataFromContrailsOwnMetricsEndpoint() {
    assertEveryQueryHasData(directResults, direct);
  }

  @Test
  void latencyPanelsShowQuantilesOnBothPaths() {
    for (var results : List.of(viaCollectorResults, directResults)) {
      results.forEach((q, result) -> {
        if (q.exemplar()) {
          assertThat(result.findValues("value")).as("%s -> %s", q, result)
              .anyMatch(v -> !v.path(1).asText().equals("NaN"));
        }
      });
    }
  }

  @Test
  void latencyPanelExemplarsOpenTracesThatReachedTheTraceBackend() throws Exception {
    Set<String> viaCollectorTraces = exemplarTraceIds(viaCollector);
    Set<String> directTraces = exemplarTraceIds(direct);
    Set<String> ours = new LinkedHashSet<>(runTraceIds);
    ours.add(dagsTestTraceId);
    assertThat(viaCollectorTraces).as("exemplar trace ids through the Collector").isNotEmpty().isSubsetOf(ours);
    assertThat(directTraces).as("exemplar trace ids on Contrail's /metrics").isNotEmpty().isSubsetOf(runTraceIds);
    Set<String> exemplarTraces = new LinkedHashSet<>(viaCollectorTraces);
    exemplarTraces.addAll(directTraces);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!traceIdsAtTheTraceBackend().containsAll(exemplarTraces) && System.nanoTime() < deadline) {
      CliProcess.sleep(Duration.ofMillis(200));
    }
    assertThat(traceIdsAtTheTraceBackend()).as("trace ids at the trace backend, through the Collector")
        .containsAll(exemplarTraces);
  }

  @Test
  void grafanaLinksTheExemplarLabelToTheProvisionedJaegerDatasource() {
    JsonNode datasources = DeployKit.yaml(DeployKit.DATASOURCES).path("datasources");
    Map<String, String> typeByUid = new LinkedHashMap<>();
    datasources.forEach(ds -> typeByUid.put(ds.path("uid").asText(), ds.path("type").asText()));
    assertThat(typeByUid).containsEntry("prometheus", "prometheus").containsEntry("jaeger", "jaeger");
    assertThat(typeByUid.keySet()).as("datasources the dashboard uses").containsAll(DeployKit.dashboardDatasourceUids());
    JsonNode destination = datasources.findValue("exemplarTraceIdDestinations").path(0);
    assertThat(destination.path("datasourceUid").asText()).isEqualTo("jaeger");
    // the label Grafana reads the trace id from is the label the exemplars really carry
    for (PrometheusServer p : List.of(viaCollector, direct)) {
      JsonNode exemplars = p.queryExemplars("contrail_task_duration_milliseconds_bucket", started, Instant.now());
      assertThat(exemplars.findValues("labels")).as("exemplars of %s", exemplars).isNotEmpty()
          .allMatch(labels -> labels.path(destination.path("name").asText()).asText().matches("[0-9a-f]{32}"));
    }
  }

  @Test
  void perProcessPanelsTellContrailProcessesApartThroughTheCollector() {
    JsonNode perInstance = viaCollector.query("sum by (instance) (contrail_scheduler_heartbeat_total)");
    List<String> instances = perInstance.findValuesAsText("instance");
    assertThat(instances).as("instance labels: service.instance.id of the standalone and of dags test, not the Collector's address")
        .hasSizeGreaterThanOrEqualTo(2).allMatch(i -> UUID.matcher(i).matches());
  }

  @Test
  void dagsTestMetricsReachPrometheusThroughTheCollectorWhenItExits() {
    assertThat(viaCollector.query("contrail_dagrun_duration_success_milliseconds_count{dag_id=\"deploy_cli\"}"))
        .as("the run of dags test, sent by its last export before it exited").isNotEmpty();
  }

  /** Trace ids of the spans the trace backend wrote to its file (OTLP JSON, one export request a line). */
  private Set<String> traceIdsAtTheTraceBackend() {
    Set<String> ids = new LinkedHashSet<>();
    try {
      if (Files.exists(receivedSpans)) {
        for (String line : Files.readAllLines(receivedSpans)) {
          if (line.endsWith("}")) { // a line being written is skipped until it is whole
            ids.addAll(CliProcess.JSON.readTree(line).findValuesAsText("traceId"));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** CLI settings every Contrail process of the test shares: metrics and traces to the Collector. */
  private static CliProcess contrail(CliProcess c, int collectorGrpc) {
    String port = Integer.toString(collectorGrpc);
    return c.env("CONTRAIL__METRICS__OTEL_ON", "true").env("CONTRAIL__METRICS__OTEL_PORT", port)
        .env("CONTRAIL__METRICS__OTEL_INTERVAL_MILLISECONDS", Long.toString(EXPORT.toMillis()))
        // as deploy/README.md says: through the Collector, Prometheus 2.x has quantiles and exemplars
        // of bucket histograms only (exponential ones arrive as native histograms without exemplars)
        .env("CONTRAIL__METRICS__OTEL_HISTOGRAMS", "explicit")
        .env("CONTRAIL__TRACES__OTEL_ON", "true").env("CONTRAIL__TRACES__OTEL_PORT", port)
        // a StatsD host that does not resolve: the dashboard's "dropped metrics" panel has something to show
        .env("CONTRAIL__METRICS__STATSD_ON", "true").env("CONTRAIL__METRICS__STATSD_HOST", "statsd.invalid")
        .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000")
        // an export to the Collector that is not up yet fails at once instead of after 5 retries
        .env("OTEL_JAVA_EXPORTER_OTLP_RETRY_DISABLED", "true");
  }

  /** Starts {@code dags test} on a task that hangs; {@link #killWhenStuck} makes a zombie of it. */
  private CliProcess.Background startAZombie(Path pid) {
    cli.dag("deploy_zombie", """
        dag_id: deploy_zombie
        schedule: null
        paused: false
        start_date: 2026-01-01T00:00:00Z
        tasks:
          - task_id: stuck
            type: shell
            command: 'echo $$ > %s; exec sleep 120'
        """.formatted(pid));
    return cli.start("dags", "test", "deploy_zombie");
  }

  /** SIGKILLs {@code dags test} (and its task) once the task runs: the standalone recovers the zombie. */
  private static void killWhenStuck(CliProcess.Background test, Path pid) throws Exception {
    await("the stuck task running", () -> readPid(pid) != null, test::toString);
    long task = readPid(pid);
    test.process.destroyForcibly();
    assertThat(test.waitFor(Duration.ofSeconds(10))).isNotNull();
    ProcessHandle.of(task).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** The pid a task wrote, or null until the file holds a whole line (the shell creates it before writing). */
  private static Long readPid(Path file) {
    try {
      String s = Files.exists(file) ? Files.readString(file) : "";
      return s.endsWith("\n") ? Long.valueOf(s.strip()) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until both Prometheus servers count {@code n} successful runs of {@code dagId} (from any process). */
  private void awaitRunsSeen(String dagId, int n, CliProcess.Background standalone) {
    String count = "sum(contrail_dagrun_duration_success_milliseconds_count{dag_id=\"" + dagId + "\"})";
    Predicate<PrometheusServer> seen = p -> p.query(count).path(0).path("value").path(1).asDouble() >= n;
    await(n + " runs of " + dagId + " in both Prometheus servers", () -> seen.test(direct) && seen.test(viaCollector),
        () -> "names through the Collector: " + names(viaCollector) + "\nnames on /metrics: " + names(direct)
            + "\n" + standalone);
  }

  /** Runs every dashboard query until each returns a series (or {@link #SETTLE} passes); returns the last answers. */
  private Map<DeployKit.Query, JsonNode> awaitEveryQuery(PrometheusServer p) {
    List<DeployKit.Query> queries = DeployKit.dashboardQueries();
    Map<DeployKit.Query, JsonNode> results = new LinkedHashMap<>();
    long deadline = System.nanoTime() + SETTLE.toNanos();
    do {
      // a window over the whole test, as a user picks a range that covers the runs
      Duration window = Duration.between(started, Instant.now()).plusSeconds(10);
      queries.forEach(q -> results.put(q, p.query(q.promql(window))));
      if (results.values().stream().noneMatch(JsonNode::isEmpty)) {
        break;
      }
      CliProcess.sleep(Duration.ofMillis(500));
    } while (System.nanoTime() < deadline);
    return results;
  }

  private static void assertEveryQueryHasData(Map<DeployKit.Query, JsonNode> results, PrometheusServer p) {
    assertThat(results).as("dashboard queries").hasSizeGreaterThan(30);
    List<String> empty = new ArrayList<>();
    results.forEach((q, r) -> {
      if (r.isEmpty()) {
        empty.add(q.toString());
      }
    });
    assertThat(empty).as("dashboard queries without data; names Prometheus holds: %s", names(p)).isEmpty();
  }

  private static List<String> names(PrometheusServer p) {
    return p.query("count by (__name__) ({__name__=~\".+\"})").findValuesAsText("__name__");
  }

  private Set<String> exemplarTraceIds(PrometheusServer p) {
    Set<String> ids = new LinkedHashSet<>();
    for (DeployKit.Query q : DeployKit.dashboardQueries()) {
      if (q.exemplar()) {
        JsonNode data = p.queryExemplars(q.promql(Duration.ofMinutes(5)), started, Instant.now());
        data.findValues("labels").forEach(l -> ids.add(l.path("trace_id").asText()));
      }
    }
    return ids;
  }

  /** Waits for {@code done}; on timeout fails with {@code what} and the {@code context} (evaluated then). */
  private static void await(String what, java.util.function.BooleanSupplier done, Supplier<Object> context) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + SETTLE + " for " + what + "\n" + context.get());
      }
      CliProcess.sleep(Duration.ofMillis(100));
    }
  }

  private static final java.util.Set<Integer> TAKEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A free port below the kernel's ephemeral range (32768 up): the Collector binds its ports well
   * after they are chosen, and a port from ServerSocket(0) is from that range, where an outgoing
   * connection of any process (Contrail's exporter, a Prometheus scrape) may take it as its source
   * port meanwhile ("bind: address already in use" failed a CI run).
   */
  private static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20000 + random.nextInt(12000);
      if (!TAKEN.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port found in 20000-31999");
  }
}
