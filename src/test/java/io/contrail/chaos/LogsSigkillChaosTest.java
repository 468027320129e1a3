package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.e2e.OutboxLogsTest;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.MockOtlpServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Standalone SIGKILLed while a task prints: the task goes on writing its log without a scheduler,
 * the next standalone adopts the try and ships the rest from the offset the database holds — at a
 * real receiver every line arrives once, in the order of the times it was written.
 */
@ExtendWith(CliExtension.class)
class LogsSigkillChaosTest {
  CliProcess cli;

  @Test
  void sigkillMidRunLosesNoLogLineAndRepeatsNone() throws Exception {
    cli.dag("ticking", """
        dag_id: ticking
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: tick
            type: shell
            command: 'for i in $(seq 1 12); do echo "tick $i"; sleep 0.5; done'
        """);
    try (MockOtlpServer collector = MockOtlpServer.start()) {
      cli.env("CONTRAIL__TRACES__OTEL_ON", "true").env("CONTRAIL__LOGS__OTEL_ON", "true")
          .env("CONTRAIL__TRACES__OTEL_PROTOCOL", "grpc")
          .env("CONTRAIL__TRACES__OTEL_PORT", String.valueOf(collector.grpcPort()))
          .env("CONTRAIL__TRACES__SCHEDULER_SPANS", "off")
          .env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000")
          .env("CONTRAIL__SCHEDULER__JOB_HEARTBEAT_MS", "200")
          // H2 writes commits up to a second late by default: a SIGKILL would roll the offsets back
          .env("CONTRAIL__DATABASE__URL", "jdbc:h2:file:" + cli.home().resolve("contrail") + ";WRITE_DELAY=0");
      cli.ok("dags", "trigger", "ticking", "--run-id", "k1");
      CliProcess.Background first = cli.start("standalone");
      CliProcess.Background second = null;
      try {
        first.awaitOutput("Press Ctrl+C to stop.");
        collector.awaitLogRecords(r -> ticks(r).size() >= 3, Duration.ofSeconds(30));
        assertThat(ticks(collector.logRecords())).as("ticks shipped while the task runs").hasSizeBetween(3, 11);
        first.process.destroyForcibly(); // SIGKILL, the task prints on
        assertThat(first.waitFor(Duration.ofSeconds(10))).isNotNull();

        second = cli.start("standalone");
        List<JsonNode> records = collector.awaitLogRecords(r -> ticks(r).size() >= 12
            && r.stream().anyMatch(x -> OutboxLogsTest.body(x).contains("recovered by job")), Duration.ofSeconds(40));
        Thread.sleep(1500); // a repeat would come in this window, if at all
        records = ticks(collector.logRecords());
        assertThat(records.stream().map(OutboxLogsTest::body).toList()).as("every line once").doesNotHaveDuplicates()
            .hasSize(12);
        assertThat(records.stream().sorted(Comparator.comparing(r -> Long.parseLong(r.path("timeUnixNano").asText())))
            .map(OutboxLogsTest::body).toList())
            .containsExactly(IntStream.rangeClosed(1, 12).mapToObj(i -> "tick " + i).toArray(String[]::new));
      } finally {
        first.process.destroyForcibly();
        if (second != null) {
          second.process.destroy();
          second.waitFor(Duration.ofSeconds(20));
          second.process.destroyForcibly();
        }
      }
    }
  }

  private static List<JsonNode> ticks(List<JsonNode> records) {
    return records.stream().filter(r -> OutboxLogsTest.body(r).startsWith("tick ")).toList();
  }
}
