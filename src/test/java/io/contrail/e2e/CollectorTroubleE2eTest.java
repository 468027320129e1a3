package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.InProcessContrail;
import io.contrail.testing.MockOtlpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user sees when the collector is away or slow (issue #9 items 1 and 7): a short command
 * still ends within 2 s of its work with one line about the spans left in the database and no
 * stack trace; {@code otel_debugging_on} prints the spans; a collector that answers after the
 * export timeout gets each span at most twice.
 */
@ExtendWith(CliExtension.class)
class CollectorTroubleE2eTest {
  private static final Pattern TRACE = Pattern.compile("\\(trace ([0-9a-f]{32})\\)");
  private static final String DAG = """
      dag_id: quiet
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      tasks:
        - task_id: one
          type: shell
          command: "echo one"
        - task_id: two
          type: noop
          depends_on: [one]
      """;

  CliProcess cli;

  @Test
  void withTheCollectorDownAShortCommandEndsWithinTwoSecondsOfItsWorkAndSaysWhatWaits() {
    cli.dag("quiet", DAG);
    cli.ok("dags", "list"); // the database exists: both timed runs below do the same work
    // from the run's end (stored) to the process's exit: what a user waits after the work; JVM
    // start-up, which varies by seconds on a loaded machine, is not in it
    CliProcess.Result off = cli.ok("dags", "test", "quiet");
    Duration tracesOff = afterTheWork(off, Instant.now());

    int down = InProcessContrail.freePort(); // nothing listens there
    cli.env("CONTRAIL__TRACES__OTEL_ON", "true").env("CONTRAIL__TRACES__OTEL_HOST", "127.0.0.1")
        .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(down)).env("CONTRAIL__LOGS__OTEL_ON", "true");
    CliProcess.Result r = cli.run("dags", "test", "quiet");
    Instant exited = Instant.now();
    assertThat(r.exitCode()).as(r.out()).isZero();
    Duration tracesOn = afterTheWork(r, exited);
    assertThat(tracesOn.minus(tracesOff)).as("the extra wait after the run with the collector down (%s vs %s)\n%s",
        tracesOn, tracesOff, r.out()).isLessThan(Duration.ofSeconds(2));
    assertThat(r.stderr()).contains("5 spans wait in the database; they will be sent by the next Contrail process"
        + " that can reach 127.0.0.1:" + down);
    assertThat(r.out()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Failed to export");

    CliProcess.Result list = cli.run("dags", "list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).doesNotContain("\tat ").doesNotContain("spans wait");

    CliProcess.Result verbose = cli.run("dags", "test", "quiet", "--verbose");
    assertThat(verbose.exitCode()).as(verbose.out()).isZero();
    assertThat(verbose.out()).as("--verbose shows the SDK's export errors").contains("\tat ");
  }

  private static final Pattern RUN = Pattern.compile("testing quiet: run (\\S+) \\(trace");

  /** From the end of the run the command tested (as stored) to when the command had exited. */
  private Duration afterTheWork(CliProcess.Result r, Instant exited) {
    Matcher m = RUN.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    for (JsonNode run : cli.json("runs", "list", "--dag", "quiet", "--json")) {
      if (run.path("run_id").asText().equals(m.group(1))) {
        return Duration.between(Instant.parse(run.path("end_date").asText()), exited);
      }
    }
    throw new AssertionError("no run " + m.group(1));
  }

  @Test
  void otelDebuggingOnPrintsEverySpan() {
    cli.dag("quiet", DAG);
    CliProcess.Result r = cli.env("CONTRAIL__TRACES__OTEL_ON", "true").env("CONTRAIL__TRACES__OTEL_DEBUGGING_ON", "true")
        .env("CONTRAIL__TRACES__OTEL_HOST", "127.0.0.1")
        .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(InProcessContrail.freePort()))
        .run("dags", "test", "quiet");
    assertThat(r.exitCode()).as(r.out()).isZero();
    for (String span : List.of("dag_run.quiet", "task_run.one", "task_run.two", "task_attempt.one", "task_attempt.two")) {
      assertThat(r.out()).as("the console shows %s", span).contains("'" + span + "'");
    }
  }

  @Test
  void aCollectorAnsweringAfterTheExportTimeoutGetsEachSpanAtMostTwice() throws Exception {
    cli.dag("quiet", DAG);
    MockOtlpServer server = MockOtlpServer.start();
    ExecutorService pool = Executors.newCachedThreadPool();
    HttpClient client = HttpClient.newHttpClient();
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // forwards at once (the collector has the spans), answers 1.5 s later: past the 1 s export timeout
    proxy.createContext("/", exchange -> {
      long received = System.nanoTime();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      try {
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + exchange.getRequestURI().getPath()))
            .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        Thread.sleep(Math.max(0, 1500 - (System.nanoTime() - received) / 1_000_000));
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer.body());
        }
      } catch (Exception e) {
        exchange.sendResponseHeaders(502, -1);
      } finally {
        exchange.close();
      }
    });
    proxy.setExecutor(pool);
    proxy.start();
    try (server) {
      CliProcess.Result r = cli.env("CONTRAIL__TRACES__OTEL_ON", "true")
          .env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
          .env("CONTRAIL__TRACES__OTEL_HOST", "127.0.0.1")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(proxy.getAddress().getPort()))
          .env("CONTRAIL__TRACES__SHUTDOWN_FLUSH_MS", "8000")
          .env("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
          .run("dags", "test", "quiet");
      assertThat(r.exitCode()).as(r.out()).isZero();
      Matcher m = TRACE.matcher(r.out());
      assertThat(m.find()).as(r.out()).isTrue();
      String traceId = m.group(1);
      Thread.sleep(1000); // the proxy's last answers
      Map<String, Long> copies = server.spans().stream().filter(s -> s.path("traceId").asText().equals(traceId))
          .collect(Collectors.groupingBy((JsonNode s) -> s.path("name").asText() + " " + s.path("spanId").asText(),
              Collectors.counting()));
      assertThat(copies).as("every span arrived\n%s", r.out()).hasSize(5);
      assertThat(copies.values()).as("copies of each span: %s", copies).allMatch(n -> n <= 2);
      assertThat(copies.values()).as("the first export did time out (else this test shows nothing)").contains(2L);
      assertThat(r.stderr()).doesNotContain("spans wait in the database");
    } finally {
      proxy.stop(0);
      pool.shutdownNow();
    }
  }
}
