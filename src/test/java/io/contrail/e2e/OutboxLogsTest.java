package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.run.DagRun;
import io.contrail.run.TaskState;
import io.contrail.testing.InProcessContrail;
import io.contrail.testing.MockOtlpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log records through the log outbox, at a real OTLP receiver, in this JVM: a run made while the
 * collector is down has every line of its attempt log (and its component records) delivered once
 * by a later process, each line with its own time, severity, stream and ids, masked; a long task's
 * lines arrive while it still runs.
 */
public class OutboxLogsTest {
  private static final String CHATTY = """
      dag_id: chatty
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      tasks:
        - task_id: talk
          type: shell
          command: |
            for i in $(seq 1 20); do echo "line $i"; done
            echo "something odd" >&2
            echo "ERROR: a parsed level" >&2
            echo "token {{ conf.api_token }}"
      """;
  private static final String CONF = "{\"api_token\": \"tok-98765-very-secret\"}";

  @TempDir Path home;
  private final String db = "jdbc:h2:mem:logs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  /** One process of the installation: traces and logs on to {@code port}, a short export timeout. */
  private InProcessContrail process(int port) {
    return new InProcessContrail(home).set("CONTRAIL__DATABASE__URL", db)
        .set("CONTRAIL__TRACES__OTEL_ON", "true").set("CONTRAIL__LOGS__OTEL_ON", "true")
        .set("CONTRAIL__TRACES__OTEL_PORT", port).set("CONTRAIL__TRACES__OTEL_PROTOCOL", "grpc")
        .set("CONTRAIL__TRACES__SHUTDOWN_FLUSH_MS", "2000")
        .set("OTEL_EXPORTER_OTLP_TIMEOUT", "1000");
  }

  public static String body(JsonNode r) {
    JsonNode b = r.path("body");
    return b.isTextual() ? b.asText() : b.path("stringValue").asText();
  }

  /** An attribute of a record, whether the receiver printed the attributes as a map or as OTLP's list. */
  static String attr(JsonNode r, String key) {
    JsonNode a = r.path("attributes");
    if (a.isObject()) {
      return a.path(key).asText();
    }
    for (JsonNode kv : a) {
      if (kv.path("key").asText().equals(key)) {
        JsonNode v = kv.path("value");
        return v.has("stringValue") ? v.path("stringValue").asText() : v.path("intValue").asText();
      }
    }
    return "";
  }

  static List<JsonNode> ofTask(List<JsonNode> records, String taskId) {
    return records.stream().filter(r -> attr(r, "contrail.task_id").equals(taskId)).toList();
  }

  @Test
  void aRunMadeWhileTheCollectorIsDownHasEveryLineDeliveredOnceByALaterProcess() throws Exception {
    int port = InProcessContrail.freePort();
    DagRun run;
    try (InProcessContrail first = process(port).dag("chatty.yaml", CHATTY)) {
      run = first.run("chatty", CONF, null);
      assertThat(run.state().id()).isEqualTo("success");
    }
    try (MockOtlpServer collector = MockOtlpServer.startOn(port);
        InProcessContrail later = process(port)) {
      later.contrail(); // any process with logs on ships what is waiting on its host
      List<JsonNode> records = collector.awaitLogRecords(r -> ofTask(r, "talk").size() >= 26
          && r.stream().anyMatch(c -> body(c).contains("talk try 1: success")), Duration.ofSeconds(20));
      later.close();
      Thread.sleep(500); // a repeat would come in this window, if at all
      records = collector.logRecords();

      List<JsonNode> lines = ofTask(records, "talk");
      List<String> bodies = lines.stream().map(OutboxLogsTest::body).toList();
      assertThat(bodies).as("every line once").doesNotHaveDuplicates()
          .contains("line 1", "line 20", "something odd", "ERROR: a parsed level", "token ***")
          .noneMatch(b -> b.contains("tok-98765"));
      assertThat(bodies.stream().filter(b -> b.startsWith("line ")).toList()).hasSize(20);
      // in order of their own timestamps, taken when each line was written
      List<String> byTime = lines.stream().sorted(java.util.Comparator.comparing(r -> Long.parseLong(r.path("timeUnixNano").asText())))
          .map(OutboxLogsTest::body).filter(b -> b.startsWith("line ")).toList();
      assertThat(byTime).containsExactly(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toArray(String[]::new));
      long start = run.times().startDate().toEpochMilli() * 1_000_000L;
      long end = run.times().endDate().toEpochMilli() * 1_000_000L + 1_000_000L;
      assertThat(lines).allSatisfy(r -> assertThat(Long.parseLong(r.path("timeUnixNano").asText()))
          .as("written during the run: %s", r).isBetween(start - 1_000_000L, end));
      JsonNode odd = lines.stream().filter(r -> body(r).equals("something odd")).findFirst().orElseThrow();
      assertThat(odd.path("severityText").asText()).isEqualTo("WARN");
      assertThat(attr(odd, "log.iostream")).isEqualTo("stderr");
      JsonNode parsed = lines.stream().filter(r -> body(r).startsWith("ERROR:")).findFirst().orElseThrow();
      assertThat(parsed.path("severityText").asText()).isEqualTo("ERROR");
      JsonNode one = lines.stream().filter(r -> body(r).equals("line 1")).findFirst().orElseThrow();
      assertThat(one.path("severityText").asText()).isEqualTo("INFO");
      assertThat(attr(one, "log.iostream")).isEqualTo("stdout");
      assertThat(attr(one, "contrail.dag_id")).isEqualTo("chatty");
      assertThat(attr(one, "contrail.run_id")).isEqualTo(run.runId());
      assertThat(attr(one, "contrail.try_number")).isEqualTo("1");
      assertThat(one.path("traceId").asText()).isEqualTo(run.trace().traceId());

      // a component record logged during the attempt carries the attempt's trace context as its own
      JsonNode component = records.stream().filter(r -> body(r).contains("talk try 1: success")).toList().get(0);
      assertThat(records.stream().filter(r -> body(r).contains("talk try 1: success"))).hasSize(1);
      assertThat(component.path("traceId").asText()).isEqualTo(run.trace().traceId());
      assertThat(component.path("spanId").asText()).isEqualTo(one.path("spanId").asText()).isNotEmpty();
      assertThat(component.path("severityText").asText()).isEqualTo("INFO");

      // traces export --logs sends the run's lines again, on request
      java.io.StringWriter out = new java.io.StringWriter();
      int code = io.contrail.cli.Main.execute(later.environment(), new java.io.PrintWriter(out, true),
          new java.io.PrintWriter(new java.io.StringWriter(), true), "traces", "export", "--logs", "--dag", "chatty");
      assertThat(code).as(out.toString()).isZero();
      assertThat(out.toString()).contains("and " + lines.size() + " log record(s)");
      List<JsonNode> again = collector.awaitLogRecords(r -> ofTask(r, "talk").size() >= 2 * lines.size(), Duration.ofSeconds(10));
      assertThat(ofTask(again, "talk").stream().filter(r -> body(r).equals("line 7"))).hasSize(2);
    }
  }

  @Test
  void aLongTasksLinesArriveWhileItStillRuns() throws Exception {
    try (MockOtlpServer collector = MockOtlpServer.start();
        InProcessContrail contrail = process(collector.grpcPort()).dag("slow.yaml", """
            dag_id: slow
            schedule: null
            start_date: 2026-01-01T00:00:00Z
            tasks:
              - task_id: slow
                type: shell
                command: 'echo first; sleep 4; echo last'
            """)) {
      contrail.contrail();
      CompletableFuture<DagRun> run = CompletableFuture.supplyAsync(() -> contrail.run("slow"));
      List<JsonNode> records = collector.awaitLogRecords(r -> ofTask(r, "slow").stream().anyMatch(x -> body(x).equals("first")),
          Duration.ofSeconds(10));
      assertThat(ofTask(records, "slow")).extracting(OutboxLogsTest::body).contains("first").doesNotContain("last");
      assertThat(contrail.stores().runs().taskInstancesInStates(List.of(TaskState.RUNNING)))
          .as("the task still runs when its first line has arrived").hasSize(1);
      assertThat(run.get().state().id()).isEqualTo("success");
      records = collector.awaitLogRecords(r -> ofTask(r, "slow").stream().anyMatch(x -> body(x).equals("last")),
          Duration.ofSeconds(10));
      assertThat(ofTask(records, "slow")).extracting(OutboxLogsTest::body).containsOnlyOnce("first", "last");
    }
  }

  @Test
  void logsWithAnEndpointOfTheirOwnNeverReachTheTracesEndpoint() throws Exception {
    try (MockOtlpServer traces = MockOtlpServer.start(); MockOtlpServer logs = MockOtlpServer.start();
        InProcessContrail contrail = process(traces.grpcPort()).set("CONTRAIL__LOGS__OTEL_PORT", logs.grpcPort())
            .dag("chatty.yaml", CHATTY)) {
      DagRun run = contrail.run("chatty", CONF, null);
      assertThat(logs.awaitLogRecords(r -> ofTask(r, "talk").size() >= 26, Duration.ofSeconds(10))).isNotEmpty();
      assertThat(traces.awaitSpans(s -> s.stream().anyMatch(x -> x.path("name").asText().equals("dag_run.chatty")),
          Duration.ofSeconds(10))).isNotEmpty();
      contrail.close();
      assertThat(traces.logRequests()).as("no log record went to the traces endpoint").isEmpty();
      assertThat(logs.spans()).isEmpty();
      assertThat(run.state().id()).isEqualTo("success");
    }
  }
}
