package io.contrail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.config.Environment;
import io.contrail.testing.MockOtlpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A benchmark with traces on measures what a traced deployment does: its run's spans leave
 * through the database outbox, as they do from the roles it imitates (they used not to).
 */
class BenchTelemetryTest {
  @Test
  void throughputWithTracesOnShipsTheRunsSpans() throws Exception {
    try (MockOtlpServer server = MockOtlpServer.start();
         BenchEnvironment env = new BenchEnvironment(Environment.of(Map.of()), "h2", 4)) {
      Map<String, Object> figures = Scenarios.throughput(env, 3, false, Map.of(
          "CONTRAIL__TRACES__OTEL_ON", "true", "CONTRAIL__TRACES__OTEL_PORT", String.valueOf(server.grpcPort())));

      assertThat(figures.get("state")).isEqualTo("success");
      List<JsonNode> spans = server.awaitSpans(s -> s.stream().anyMatch(BenchTelemetryTest::isRunSpan),
          Duration.ofSeconds(10));
      assertThat(spans).anyMatch(BenchTelemetryTest::isRunSpan);
      assertThat(spans.stream().filter(s -> s.path("name").asText().startsWith("task_attempt."))).hasSize(3);
    }
  }

  private static boolean isRunSpan(JsonNode span) {
    return span.path("name").asText().startsWith("dag_run.bench_throughput_");
  }
}
