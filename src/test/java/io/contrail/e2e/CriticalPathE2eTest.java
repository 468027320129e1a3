package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.cli.Main;
import io.contrail.rest.RestApi;
import io.contrail.rest.auth.Accounts;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.testing.InProcessContrail;
import io.contrail.testing.MockOtlpServer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run of a diamond whose one branch sleeps longer: the critical path names that branch in
 * {@code traces critical-path} (text and JSON), in the REST API, and on the run's root span as a
 * real OTLP receiver got it.
 */
class CriticalPathE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAG = """
      dag_id: diamond
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      tasks:
        - task_id: begin
          type: noop
        - task_id: quick
          type: sleep
          duration: 100ms
          depends_on: [begin]
        - task_id: slow
          type: sleep
          duration: 1500ms
          depends_on: [begin]
        - task_id: join
          type: noop
          depends_on: [quick, slow]
      """;

  @TempDir Path home;

  private record Cli(int code, String out, String err) {}

  private static Cli cli(InProcessContrail contrail, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(contrail.environment(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  private static JsonNode attributes(JsonNode span) {
    return span.path("attributes");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void theSlowBranchIsTheCriticalPathInTheCliTheApiAndTheRootSpan() throws Exception {
    try (MockOtlpServer receiver = MockOtlpServer.start();
        InProcessContrail contrail = new InProcessContrail(home).dag("diamond.yaml", DAG)
            .set("CONTRAIL__TRACES__OTEL_ON", "true")
            .set("CONTRAIL__TRACES__OTEL_PROTOCOL", "http/protobuf")
            .set("CONTRAIL__TRACES__OTEL_PORT", receiver.httpPort())
            .set("CONTRAIL__API__USERS", "viewer:viewer:" + Accounts.hash("viewer-pw"))) {
      DagRun run = contrail.run("diamond");
      assertThat(run.state().id()).isEqualTo("success");
      String traceId = run.trace().traceId();

      // the CLI, as a user runs it against the same database
      Cli text = cli(contrail, "traces", "critical-path", "diamond", run.runId());
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).contains("critical path of diamond " + run.runId())
          .containsPattern("\\d+\\.\\d s of \\d+\\.\\d s on the critical path; longest wait: \\w+, \\d+\\.\\d s queued");
      List<String> lines = text.out().lines().filter(l -> l.startsWith("  ") && !l.contains("TASK")).toList();
      assertThat(lines).extracting(l -> l.trim().split("\\s+")[0]).containsExactly("begin", "slow", "join");
      Cli json = cli(contrail, "traces", "critical-path", "diamond", run.runId(), "--json");
      assertThat(json.code()).as(json.err()).isZero();
      JsonNode cp = JSON.readTree(json.out());
      List<String> ids = new ArrayList<>();
      cp.path("steps").forEach(s -> ids.add(s.path("task_id").asText()));
      assertThat(ids).containsExactly("begin", "slow", "join");
      JsonNode slow = cp.path("steps").get(1);
      assertThat(slow.path("running_ms").asLong()).isBetween(1_400L, 5_000L);
      assertThat(cp.path("total_ms").asLong()).isLessThanOrEqualTo(cp.path("run_ms").asLong())
          .isGreaterThanOrEqualTo(1_500);
      assertThat(cp.path("run_finished").asBoolean()).isTrue();
      Cli unknown = cli(contrail, "traces", "critical-path", "diamond", "no_such_run");
      assertThat(unknown.code()).isNotZero();
      assertThat(unknown.err()).contains("no_such_run");

      // the REST API, as a viewer
      Contrail c = contrail.contrail();
      try (RestApi.Started api = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(),
          c.runCreator(), c.operations(), c.clock(), OpenTelemetry.noop().getTracer("test"), c.masker()), 0)) {
        String url = api.server().url();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(url + "/auth/token"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                Map.of("username", "viewer", "password", "viewer-pw")))).build(), HttpResponse.BodyHandlers.ofString());
        String token = JSON.readTree(login.body()).path("access_token").asText();
        String base = url + "/api/v2/dags/diamond/dagRuns/";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + run.runId() + "/criticalPath"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body())).as("the API says what the CLI says").isEqualTo(cp);
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "nope/criticalPath"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("detail").asText()).contains("nope");
        HttpResponse<String> spec = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/openapi.json")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(spec.body()).path("paths")
            .has("/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/criticalPath")).isTrue();
      }

      // the root span at the receiver
      List<JsonNode> spans = receiver.awaitSpans(s -> s.stream().anyMatch(x -> x.path("traceId").asText().equals(traceId)
          && x.path("name").asText().equals("dag_run.diamond")), Duration.ofSeconds(20));
      JsonNode root = spans.stream().filter(x -> x.path("traceId").asText().equals(traceId)
          && x.path("name").asText().equals("dag_run.diamond")).findFirst().orElseThrow();
      JsonNode a = attributes(root);
      assertThat(texts(a.path("contrail.critical_path.task_ids"))).as(root.toString())
          .containsExactly("begin", "slow", "join");
      assertThat(texts(a.path("contrail.critical_path.try_numbers"))).containsExactly("1", "1", "1");
      List<String> durations = texts(a.path("contrail.critical_path.durations_ms"));
      assertThat(durations).hasSize(3);
      assertThat(Long.parseLong(durations.get(1))).isBetween(1_400L, 5_000L);
      assertThat(a.path("contrail.critical_path.duration_ms").asLong()).isEqualTo(cp.path("total_ms").asLong());
      assertThat(a.path("contrail.critical_path.longest_wait_task").asText())
          .isEqualTo(cp.path("longest_wait").path("task_id").asText());
      assertThat(a.path("contrail.critical_path.longest_wait_ms").asLong())
          .isEqualTo(cp.path("longest_wait").path("waiting_ms").asLong());
    }
  }
}
