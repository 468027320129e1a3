package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.storage.Database;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.InProcessContrail;
import io.contrail.testing.MockOtlpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The database is the outbox: a killed scheduler or an absent collector loses no span and repeats none. */
@ExtendWith(CliExtension.class)
class CrashProofTracesTest {
  private static final Pattern TRACE = Pattern.compile("\\(trace ([0-9a-f]{32})\\)");

  CliProcess cli;

  /** The CLI with [traces] otel_on. */
  private CliProcess tracesOn() {
    return cli.env("CONTRAIL__TRACES__OTEL_ON", "true");
  }

  private static List<JsonNode> ofTrace(List<JsonNode> spans, String traceId) {
    return spans.stream().filter(s -> s.path("traceId").asText().equals(traceId)).toList();
  }

  private static List<String> names(List<JsonNode> spans) {
    return spans.stream().map(s -> s.path("name").asText()).sorted().toList();
  }

  @Test
  void schedulerKilledMidRunAndRestartedCompletesTheTraceWithoutDuplicates() throws Exception {
    tracesOn().env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
        .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000")
        .env("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "200")
        .env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
        .env("CONTRAIL__TRACES__SCHEDULER_SPANS", "off")
        // H2 writes commits to disk up to a second late by default: a SIGKILL would roll the
        // database back behind what the receiver already got (core issue, see the report)
        .env("CONTRAIL__DATABASE__URL", "jdbc:h2:file:" + cli.home().resolve("contrail") + ";WRITE_DELAY=0");
    Files.writeString(cli.dagsFolder().resolve("crash.yaml"), """
        dag_id: crash
        schedule: null
        start_date: 2026-01-01T00:00:00Z
        paused: false
        tasks:
          - task_id: before
            type: noop
          - task_id: long
            type: shell
            command: 'if [ "$CONTRAIL_TRY_NUMBER" = 1 ]; then sleep 30; fi'
            retries: 1
            retry_delay: 100ms
            depends_on: [before]
          - task_id: after
            type: noop
            depends_on: [long]
        """);
    try (MockOtlpServer server = MockOtlpServer.start()) {
      cli.env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.httpPort()));
      CliProcess.Background first = cli.start("standalone");
      CliProcess.Background second = null;
      try {
        first.awaitOutput("with the local executor"); // the database is open (H2 auto-server)
        CliProcess.Result trigger = cli.run("dags", "trigger", "crash", "--run-id", "crash1");
        assertThat(trigger.exitCode()).as(trigger.out()).isZero();
        // kill once 'long' runs its first try and 'before' is marked exported (killing between the
        // receiver's acceptance and the mark is the one window where a span can repeat)
        String traceId;
        try (Database db = cli.database()) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!midRun(db) && System.nanoTime() < deadline) {
            Thread.sleep(100);
          }
          assertThat(midRun(db)).as("long is running and before's spans are exported").isTrue();
          traceId = db.sql().queryOne("SELECT trace_id FROM dag_run WHERE run_id = 'crash1'", rs -> rs.getString(1)).orElseThrow();
        }
        first.process.destroyForcibly(); // SIGKILL
        first.process.waitFor(10, TimeUnit.SECONDS);

        second = cli.start("standalone");
        List<JsonNode> spans = ofTrace(server.awaitSpans(s -> names(ofTrace(s, traceId)).contains("dag_run.crash"),
            Duration.ofSeconds(45)), traceId);
        assertThat(names(spans)).contains("dag_run.crash");
        Thread.sleep(1500); // a duplicate would come in this window, if at all
        spans = ofTrace(server.spans(), traceId);
        assertThat(spans).extracting(s -> s.path("spanId").asText() + " " + s.path("name").asText() + " "
            + s.path("attributes").path("contrail.try_number").asText() + " " + s.path("resource").path("process.pid").asText())
            .doesNotHaveDuplicates();
        assertThat(names(spans)).containsExactly("dag_run.crash", "task_attempt.after", "task_attempt.before",
            "task_attempt.long", "task_attempt.long", "task_run.after", "task_run.before", "task_run.long");
        assertThat(spans.stream().filter(s -> s.path("name").asText().equals("task_attempt.long"))
            .map(s -> s.path("attributes").path("contrail.state").asText()).sorted().toList())
            .containsExactly("failed", "success");
        // traces show prints the start and duration the exported spans carry (issue #9 item 8): the
        // retried task_run covers both its tries
        assertShowMatchesExported(cli.ok("traces", "show", "crash", "crash1").stdout(), spans);
      } finally {
        first.process.destroyForcibly();
        if (second != null) {
          second.process.destroy();
          second.process.waitFor(20, TimeUnit.SECONDS);
          second.process.destroyForcibly();
        }
      }
    }
  }

  private static final Pattern SHOWN = Pattern.compile("(dag_run|task_run|task_attempt)\\.\\S+.*?(?:\\+([0-9.]+)s  )?([0-9.]+)s  (?:trace|span) ([0-9a-f]+)");

  /** Each line of traces show has the exported span's start (after the run's) and duration, to the millisecond. */
  private static void assertShowMatchesExported(String shown, List<JsonNode> spans) {
    JsonNode root = spans.stream().filter(s -> s.path("parentSpanId").asText().isEmpty()
        || s.path("name").asText().startsWith("dag_run.")).findFirst().orElseThrow();
    long runStart = nanos(root, "startTimeUnixNano");
    int lines = 0;
    for (String line : shown.split("\n")) {
      Matcher m = SHOWN.matcher(line);
      if (!m.find()) {
        continue;
      }
      lines++;
      String id = m.group(4);
      JsonNode span = spans.stream().filter(s -> s.path("spanId").asText().equals(id)
          || (m.group(1).equals("dag_run") && s == root)).findFirst().orElseThrow(() -> new AssertionError("no span " + id));
      long start = nanos(span, "startTimeUnixNano");
      long end = nanos(span, "endTimeUnixNano");
      assertThat(m.group(3)).as("duration in: %s", line).isEqualTo(String.format("%.3f", (end - start) / 1e9));
      if (m.group(2) != null) {
        assertThat(m.group(2)).as("start in: %s", line).isEqualTo(String.format("%.3f", (start - runStart) / 1e9));
      }
    }
    assertThat(lines).as(shown).isEqualTo(spans.size());
  }

  private static long nanos(JsonNode span, String field) {
    return Long.parseLong(span.path(field).asText());
  }

  private static boolean midRun(Database db) {
    try {
      // before's rows have left the span outbox (exported) and long's first try runs
      return db.sql().queryOne("SELECT COUNT(*) FROM task_instance_history WHERE run_id = 'crash1'"
          + " AND task_id = 'long' AND state = 'running'", rs -> rs.getInt(1)).orElse(0) == 1
          && db.sql().queryOne("SELECT COUNT(*) FROM task_instance WHERE run_id = 'crash1' AND task_id = 'before'"
          + " AND state = 'success'", rs -> rs.getInt(1)).orElse(0) == 1
          && db.sql().queryOne("SELECT COUNT(*) FROM span_outbox WHERE run_id = 'crash1' AND task_id = 'before'",
          rs -> rs.getInt(1)).orElse(1) == 0;
    } catch (RuntimeException notYet) {
      return false; // the schema or the run is not there yet
    }
  }

  @Test
  void runWhileCollectorIsDownArrivesOnceWhenItIsBack() throws Exception {
    // a free port, where the receiver starts only once the run is over
    int port = InProcessContrail.freePort();
    tracesOn().env("CONTRAIL__TRACES__OTEL_PROTOCOL", "grpc")
        .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(port))
        .env("OTEL_EXPORTER_OTLP_TIMEOUT", "1000");
    Files.writeString(cli.dagsFolder().resolve("down.yaml"), """
        dag_id: down
        schedule: null
        start_date: 2026-01-01T00:00:00Z
        tasks:
          - task_id: one
            type: shell
            command: "echo one"
          - task_id: two
            type: noop
            depends_on: [one]
        """);
    String traceId;
    long t0 = System.nanoTime();
    CliProcess.Result r = cli.run("dags", "test", "down");
    assertThat(r.exitCode()).as("the run succeeds with the collector down:\n" + r.out()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    Matcher m = TRACE.matcher(r.out());
    assertThat(m.find()).isTrue();
    traceId = m.group(1);
    try (MockOtlpServer server = MockOtlpServer.startOn(port)) {
      // any later process with the outbox ships what is pending
      CliProcess.Result shipped = cli.run("scheduler", "--num-runs", "2");
      assertThat(shipped.exitCode()).as(shipped.out()).isZero();
      List<JsonNode> spans = ofTrace(server.awaitSpans(s -> ofTrace(s, traceId).size() >= 5, Duration.ofSeconds(10)), traceId);
      assertThat(names(spans)).containsExactly("dag_run.down", "task_attempt.one", "task_attempt.two",
          "task_run.one", "task_run.two");
      // the outbox is empty now: re-running ships nothing again
      cli.run("scheduler", "--num-runs", "1");
      assertThat(ofTrace(server.spans(), traceId)).hasSize(5);
      // and traces export re-sends on request, with identical ids
      CliProcess.Result export = cli.call("traces", "export", "--dag", "down");
      assertThat(export.out()).contains("exported 5 span(s) of 1 run(s)");
      List<JsonNode> again = ofTrace(server.awaitSpans(s -> ofTrace(s, traceId).size() >= 10, Duration.ofSeconds(10)), traceId);
      assertThat(again.stream().map(s -> s.path("spanId").asText()).distinct().count()).isEqualTo(5);
      // byte-identical, resource included: spans rebuilt by a third process carry the resource of
      // the process that did the work (dags test), so a backend can merge the copies
      for (JsonNode first : spans) {
        assertThat(again.stream().filter(s -> s.path("spanId").equals(first.path("spanId"))).toList())
            .as("both copies of %s", first.path("name").asText()).hasSize(2).allMatch(first::equals);
      }
      assertThat(spans).allMatch(s -> s.path("resource").toString().contains("\"service.version\""));
    }
  }
}
