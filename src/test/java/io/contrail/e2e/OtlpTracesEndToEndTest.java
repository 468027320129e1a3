package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.MockOtlpServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs over the wire: the CLI as child processes exporting to a real OTLP receiver. */
@ExtendWith(CliExtension.class)
class OtlpTracesEndToEndTest {
  private static final Pattern TRACE = Pattern.compile("\\(trace ([0-9a-f]{32})\\)");
  private static final String ETL = """
      dag_id: wire
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      tasks:
        - task_id: extract
          type: shell
          command: "echo extracting"
        - task_id: transform
          type: shell
          command: "echo transforming; exit 0"
          depends_on: [extract]
        - task_id: load
          type: noop
          depends_on: [transform]
      """;

  CliProcess cli;

  /** The CLI with [traces] otel_on. */
  private CliProcess tracesOn() {
    return cli.env("CONTRAIL__TRACES__OTEL_ON", "true");
  }

  private static String attr(JsonNode span, String key) {
    return span.path("attributes").path(key).asText(null);
  }

  private static List<JsonNode> ofTrace(List<JsonNode> spans, String traceId) {
    return spans.stream().filter(s -> s.path("traceId").asText().equals(traceId)).toList();
  }

  private static String traceIdOf(CliProcess.Result r) {
    Matcher m = TRACE.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return m.group(1);
  }

  private void assertEtlTrace(List<JsonNode> spans) {
    assertThat(spans).extracting(s -> s.path("spanId").asText()).doesNotHaveDuplicates();
    Map<String, JsonNode> byName = spans.stream().collect(Collectors.toMap(s -> s.path("name").asText(), Function.identity()));
    assertThat(byName.keySet()).containsExactlyInAnyOrder("dag_run.wire", "task_run.extract", "task_run.transform",
        "task_run.load", "task_attempt.extract", "task_attempt.transform", "task_attempt.load");
    JsonNode root = byName.get("dag_run.wire");
    assertThat(root.path("parentSpanId").asText("")).isEmpty();
    assertThat(attr(root, "contrail.state")).isEqualTo("success");
    assertThat(root.path("resource").path("service.name").asText()).isEqualTo("contrail");
    for (String t : List.of("extract", "transform", "load")) {
      assertThat(byName.get("task_run." + t).path("parentSpanId").asText()).isEqualTo(root.path("spanId").asText());
      assertThat(byName.get("task_attempt." + t).path("parentSpanId").asText())
          .isEqualTo(byName.get("task_run." + t).path("spanId").asText());
    }
    assertThat(attr(byName.get("task_run.transform"), "contrail.task_type")).isEqualTo("shell");
  }

  private CliProcess.Result dagsTest(String yaml) throws Exception {
    Files.writeString(cli.dagsFolder().resolve("wire.yaml"), yaml);
    return cli.run("dags", "test", "wire");
  }

  @Test
  void dagsTestSendsEverySpanOnceOverGrpc() throws Exception {
    try (MockOtlpServer server = MockOtlpServer.start()) {
      tracesOn().env("CONTRAIL__TRACES__OTEL_PROTOCOL", "grpc").env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.grpcPort()));
      CliProcess.Result r = dagsTest(ETL);
      assertThat(r.exitCode()).as(r.out()).isZero();
      assertThat(r.out()).contains("dag_run.wire").contains("task_attempt.transform");
      String traceId = traceIdOf(r);
      // dags test flushed before it exited: everything is there already
      assertEtlTrace(ofTrace(server.awaitSpans(s -> ofTrace(s, traceId).size() >= 7, Duration.ofSeconds(5)), traceId));
    }
  }

  @Test
  void dagsTestSendsEverySpanOnceOverHttpProtobuf() throws Exception {
    try (MockOtlpServer server = MockOtlpServer.start()) {
      tracesOn().env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.httpPort()));
      CliProcess.Result r = dagsTest(ETL);
      assertThat(r.exitCode()).as(r.out()).isZero();
      String traceId = traceIdOf(r);
      assertEtlTrace(ofTrace(server.awaitSpans(s -> ofTrace(s, traceId).size() >= 7, Duration.ofSeconds(5)), traceId));
    }
  }

  @Test
  void shellTaskChildProcessSpanJoinsTheAttemptSpan() throws Exception {
    String childSpan = """
        tid=$(echo "$TRACEPARENT" | cut -d- -f2); pid=$(echo "$TRACEPARENT" | cut -d- -f3)
        curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces" -d '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"child"}}]},"scopeSpans":[{"spans":[{"traceId":"'$tid'","spanId":"00000000000c0de1","parentSpanId":"'$pid'","name":"child.work","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}]}'
        """;
    String yaml = """
        dag_id: wire
        schedule: null
        start_date: 2026-01-01T00:00:00Z
        tasks:
          - task_id: instrumented
            type: shell
            command: |
        %s
        """.formatted(childSpan.indent(6).stripTrailing());
    try (MockOtlpServer server = MockOtlpServer.start()) {
      tracesOn().env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.httpPort()));
      CliProcess.Result r = dagsTest(yaml);
      assertThat(r.exitCode()).as(r.out()).isZero();
      String traceId = traceIdOf(r);
      List<JsonNode> spans = ofTrace(server.awaitSpans(s -> ofTrace(s, traceId).size() >= 4, Duration.ofSeconds(5)), traceId);
      JsonNode attempt = spans.stream().filter(s -> s.path("name").asText().equals("task_attempt.instrumented")).findFirst().orElseThrow();
      JsonNode child = spans.stream().filter(s -> s.path("name").asText().equals("child.work")).findFirst().orElseThrow();
      assertThat(child.path("parentSpanId").asText()).isEqualTo(attempt.path("spanId").asText());
    }
  }

  @Test
  void logsOtelOnExportsAttemptOutputAndComponentLogLines() throws Exception {
    try (MockOtlpServer server = MockOtlpServer.start()) {
      tracesOn().env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.httpPort())).env("CONTRAIL__LOGS__OTEL_ON", "true");
      // a broken file beside the DAG makes the DAG processor log a warning: a component log line
      Files.writeString(cli.dagsFolder().resolve("broken.yaml"), "dag_id: broken\nschedule: null\nnot_a_key: 1\n");
      CliProcess.Result r = dagsTest(ETL);
      assertThat(r.exitCode()).as(r.out()).isZero();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      String received = "";
      while (System.nanoTime() < deadline
          && !(received.contains("extracting") && received.contains("import error"))) {
        Thread.sleep(100);
        received = server.logRequests().toString();
      }
      assertThat(received).as("attempt output as log records").contains("extracting");
      assertThat(received).as("component log lines as log records").contains("import error").contains("broken.yaml");
    }
  }
}
