package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.MockOtlpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cleared run's trace as a real OTLP receiver gets it from a scheduler process: one trace, the
 * failed first run as the root, the re-run as a {@code dag_run} segment under it with its clear
 * number, each cleared task's new task_run span under the segment linked to its earlier one, and
 * no span received twice.
 */
@ExtendWith(CliExtension.class)
class ClearedRunOtlpE2eTest {
  CliProcess cli;

  private static List<JsonNode> named(List<JsonNode> spans, String name) {
    return spans.stream().filter(s -> s.path("name").asText().equals(name)).toList();
  }

  @Test
  void aClearedRunArrivesAsOneTraceWithASegmentAndPreviousLinks() throws Exception {
    Path marker = cli.home().resolve("fixed");
    cli.dag("fix", """
        dag_id: fix
        schedule: null
        start_date: 2026-01-01
        paused: false
        tasks:
          - task_id: check
            type: shell
            command: 'test -f %s'
          - task_id: after
            type: noop
            depends_on: [check]
        """.formatted(marker));
    try (MockOtlpServer server = MockOtlpServer.start()) {
      cli.env("CONTRAIL__TRACES__OTEL_ON", "true").env("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.httpPort()));
      CliProcess.Background scheduler = cli.start("scheduler");
      scheduler.awaitOutput("Press Ctrl+C to stop.");
      CliProcess.Result failed = cli.run("dags", "trigger", "fix", "--run-id", "r1", "--wait");
      assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
      Files.writeString(marker, "");
      cli.ok("tasks", "clear", "fix", "r1", "--task", "check", "--downstream", "--yes");
      cli.awaitRun("fix", "r1", Duration.ofSeconds(30), r -> r.get("state").asText().equals("success"));

      // root + segment, two task_run spans per cleared task, three tries
      List<JsonNode> spans = server.awaitSpans(s -> s.size() >= 9, Duration.ofSeconds(15));
      assertThat(spans).as("%s", spans).hasSize(9);
      assertThat(spans).extracting(s -> s.path("spanId").asText()).doesNotHaveDuplicates();
      assertThat(spans).extracting(s -> s.path("traceId").asText()).containsOnly(spans.get(0).path("traceId").asText());

      List<JsonNode> runs = named(spans, "dag_run.fix");
      assertThat(runs).hasSize(2);
      JsonNode root = runs.stream().filter(s -> s.path("parentSpanId").asText("").isEmpty()).findFirst().orElseThrow();
      JsonNode segment = runs.stream().filter(s -> s != root).findFirst().orElseThrow();
      assertThat(root.path("attributes").path("contrail.state").asText()).isEqualTo("failed");
      assertThat(segment.path("parentSpanId").asText()).isEqualTo(root.path("spanId").asText());
      assertThat(segment.path("attributes").path("contrail.clear_number").asText()).isEqualTo("1");
      assertThat(segment.path("attributes").path("contrail.state").asText()).isEqualTo("success");

      for (String task : List.of("check", "after")) {
        List<JsonNode> taskRuns = named(spans, "task_run." + task);
        assertThat(taskRuns).as(task).hasSize(2);
        JsonNode first = taskRuns.stream().filter(s -> s.path("parentSpanId").asText().equals(root.path("spanId").asText()))
            .findFirst().orElseThrow();
        JsonNode rerun = taskRuns.stream().filter(s -> s != first).findFirst().orElseThrow();
        assertThat(rerun.path("parentSpanId").asText()).as(task).isEqualTo(segment.path("spanId").asText());
        assertThat(StreamSupport.stream(rerun.path("links").spliterator(), false)
            .map(l -> l.path("spanId").asText())).as("%s links to its earlier span", task)
            .contains(first.path("spanId").asText());
      }
      List<JsonNode> tries = named(spans, "task_attempt.check");
      assertThat(tries).hasSize(2);
      assertThat(named(spans, "task_attempt.after")).hasSize(1);
    }
  }
}
