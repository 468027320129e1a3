package io.contrail.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.config.ConfigException;
import io.contrail.rest.auth.Accounts;
import io.contrail.roles.Contrail;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.contrail.testing.InProcessContrail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API in the test's JVM (one server for the class: starting it is the slow part), over a real socket: who may do what, what a user is never shown
 * (files outside the logs folder, stack traces), and that the OpenAPI document is what is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String DAG = """
      dag_id: hello
      schedule: null
      start_date: 2026-01-01
      tasks:
        - task_id: say
          type: shell
          command: echo hello
      """;

  @TempDir static Path home;
  private InProcessContrail contrail;
  private RestApi.Started api;
  private String url;
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracing = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();

  @BeforeAll
  void startApi() {
    url = start(home, Map.of());
  }

  @AfterAll
  void close() {
    if (api != null) {
      api.close();
    }
    if (contrail != null) {
      contrail.close();
    }
    tracing.close();
  }

  private String start(Path home, Map<String, String> settings) {
    contrail = new InProcessContrail(home).dag("hello.yaml", DAG).dag("quiet.yaml", DAG.replace("hello", "quiet"))
        .set("CONTRAIL__API__USERS", "viewer:viewer:" + Accounts.hash("viewer-pw"));
    settings.forEach(contrail::set);
    Contrail c = contrail.contrail();
    api = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(), c.runCreator(), c.operations(),
        c.clock(), tracing.get("io.contrail.rest"), c.masker()), 0);
    return api.server().url();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder get(String url, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private static HttpRequest.Builder post(String url, String token, String body) {
    return get(url, token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private String login(String url, String user, String password) throws Exception {
    HttpResponse<String> r = send(post(url + "/auth/token", null,
        JSON.writeValueAsString(Map.of("username", user, "password", password))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("access_token").asText();
  }

  private String adminPassword() throws Exception {
    return Files.readString(home.resolve(RestApi.ADMIN_PASSWORD_FILE)).strip();
  }

  @Test
  void generatedAdminPasswordAndSigningKeyAreKeptOwnerOnlyAndTheBannerSaysWhere() throws Exception {
    Path password = home.resolve(RestApi.ADMIN_PASSWORD_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(password))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(RestApi.SECRET_KEY_FILE))))
        .isEqualTo("rw-------");
    assertThat(String.join("\n", api.banner())).contains(url + "/api/v2").contains(password.toString())
        .doesNotContain(adminPassword());
    assertThat(login(url, "admin", adminPassword())).isNotBlank();
  }

  @Test
  void anAddressThatFailsTooManyLoginsIsAnswered429UntilTheWindowPassesThenLogsIn(@TempDir Path other) throws Exception {
    RestApi.Started shared = api;
    InProcessContrail sharedContrail = contrail;
    try {
      String limited = start(other, Map.of("CONTRAIL__API__LOGIN_RATE_LIMIT", "3",
          "CONTRAIL__API__LOGIN_RATE_WINDOW_SECONDS", "2", "CONTRAIL__API__ADMIN_PASSWORD", "right-pw"));
      for (int i = 0; i < 3; i++) {
        assertThat(send(post(limited + "/auth/token", null, "{\"username\": \"admin\", \"password\": \"guess-" + i
            + "\"}")).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> refused = send(post(limited + "/auth/token", null,
          "{\"username\": \"admin\", \"password\": \"right-pw\"}"));
      assertThat(refused.statusCode()).as("even the right password is not checked now").isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
          s -> assertThat(s).isBetween(1, 2));
      assertThat(JSON.readTree(refused.body()).get("detail").asText()).startsWith("Too many failed logins");
      Thread.sleep(2_100);
      assertThat(login(limited, "admin", "right-pw")).isNotBlank();
    } finally {
      api.close();
      contrail.close();
      api = shared;
      contrail = sharedContrail;
    }
  }

  @Test
  void withoutATokenOrWithAWrongPasswordTheAnswerIs401AndAViewerMayReadButNotTrigger() throws Exception {
    HttpResponse<String> noToken = send(get(url + "/api/v2/dags", null));
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(noToken.body()).get("detail").asText()).isEqualTo("Not authenticated");
    assertThat(send(get(url + "/api/v2/dags", "not.a.token")).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = send(post(url + "/auth/token", null, "{\"username\": \"admin\", \"password\": \"nope\"}"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Invalid credentials");

    String viewer = login(url, "viewer", "viewer-pw");
    HttpResponse<String> list = send(get(url + "/api/v2/dags", viewer));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).get("dags").get(0).get("dag_id").asText()).isEqualTo("hello");
    HttpResponse<String> trigger = send(post(url + "/api/v2/dags/quiet/dagRuns", viewer, "{\"logical_date\": null}"));
    assertThat(trigger.statusCode()).isEqualTo(403);
    assertThat(contrail.stores().runs().listRuns("quiet", 10)).isEmpty();
  }

  @Test
  void aTriggerWithATraceparentHeaderJoinsTheCallersTraceAndSecretsInConfAreMasked() throws Exception {
    String admin = login(url, "admin", adminPassword());
    String caller = "0af7651916cd43dd8448eb211c80319c";
    HttpResponse<String> r = send(post(url + "/api/v2/dags/hello/dagRuns", admin,
        "{\"logical_date\": null, \"conf\": {\"who\": \"test\", \"db_password\": \"s3cret\"}}")
        .header("traceparent", "00-" + caller + "-b7ad6b7169203331-01"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode run = JSON.readTree(r.body());
    assertThat(run.get("trace_id").asText()).isEqualTo(caller);
    assertThat(run.get("traceparent").asText()).startsWith("00-" + caller + "-" + run.get("span_id").asText());
    assertThat(run.get("conf").get("who").asText()).isEqualTo("test");
    assertThat(run.get("conf").get("db_password").asText()).isEqualTo("***");
    assertThat(r.body()).doesNotContain("s3cret");
  }

  @Test
  void everyRequestIsAServerSpanWithoutSecretsAndATriggeredRunLinksToIt() throws Exception {
    String password = adminPassword();
    String admin = login(url, "admin", password);
    spans.reset(); // the class shares one server: only this test's trigger counts
    HttpResponse<String> r = send(post(url + "/api/v2/dags/hello/dagRuns", admin, "{\"logical_date\": null}"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    SpanData span = awaitSpan("POST /api/v2/dags/{dag_id}/dagRuns");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("http.request.method"), "POST")
        .containsEntry(AttributeKey.stringKey("http.route"), "/api/v2/dags/{dag_id}/dagRuns")
        .containsEntry(AttributeKey.stringKey("url.path"), "/api/v2/dags/hello/dagRuns")
        .containsEntry(AttributeKey.longKey("http.response.status_code"), 200L)
        .containsEntry(AttributeKey.stringKey("user.id"), "admin");
    DagRun run = contrail.stores().runs().findRun(new RunKey("hello", JSON.readTree(r.body()).get("dag_run_id").asText()))
        .orElseThrow();
    assertThat(run.trace().createdBy().spanId()).isEqualTo(span.getSpanId());
    assertThat(run.trace().createdBy().traceId()).isEqualTo(span.getTraceId());
    assertThat(spans.getFinishedSpanItems().toString()).doesNotContain(password).doesNotContain(admin);
  }

  private SpanData awaitSpan(String name) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      for (SpanData s : spans.getFinishedSpanItems()) {
        if (s.getName().equals(name)) {
          return s;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems());
  }

  @Test
  void aTriggerWithABlankOrInvalidRunIdIs400NamingTheIdAndCreatesNoRun() throws Exception {
    String admin = login(url, "admin", adminPassword());
    int before = contrail.stores().runs().listRuns("hello", 10_000).size();
    for (String id : new String[] {" ", "\\t", "../../x", "a/b", "x\\u0000y"}) {
      HttpResponse<String> r = send(post(url + "/api/v2/dags/hello/dagRuns", admin,
          "{\"dag_run_id\": \"" + id + "\", \"logical_date\": null}"));
      assertThat(r.statusCode()).as(id + " -> " + r.body()).isEqualTo(400);
      assertThat(r.body()).as(id).contains("run_id").doesNotContain("Exception");
    }
    assertThat(contrail.stores().runs().listRuns("hello", 10_000)).hasSize(before);
  }

  private static HttpRequest.Builder patch(String url, String token, String body) {
    return get(url, token).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
  }

  @Test
  void markingAndClearingGoThroughTheRunOperationsWithAirflowsAnswers() throws Exception {
    String admin = login(url, "admin", adminPassword());
    String runs = url + "/api/v2/dags/hello/dagRuns";
    String runId = "ops_" + System.nanoTime();
    assertThat(send(post(runs, admin, "{\"dag_run_id\": \"" + runId + "\", \"logical_date\": null}")).statusCode())
        .isEqualTo(200);
    String ti = runs + "/" + runId + "/taskInstances/say";

    HttpResponse<String> marked = send(patch(ti, admin, "{\"new_state\": \"success\"}"));
    assertThat(marked.statusCode()).as(marked.body()).isEqualTo(200);
    JsonNode tis = JSON.readTree(marked.body()).get("task_instances");
    assertThat(tis).hasSize(1);
    assertThat(tis.get(0).get("state").asText()).isEqualTo("success");
    HttpResponse<String> again = send(patch(ti, admin, "{\"new_state\": \"success\"}"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(send(patch(ti, admin, "{\"new_state\": \"running\"}")).statusCode()).isEqualTo(422);
    HttpResponse<String> noted = send(patch(ti + "?update_mask=note", admin, "{\"note\": \"checked by hand\"}"));
    assertThat(JSON.readTree(noted.body()).get("task_instances").get(0).get("note").asText()).isEqualTo("checked by hand");
    assertThat(JSON.readTree(send(get(ti, admin)).body()).get("note").asText()).isEqualTo("checked by hand");

    String clear = url + "/api/v2/dags/hello/clearTaskInstances";
    HttpResponse<String> unknown = send(post(clear, admin,
        "{\"dag_run_id\": \"" + runId + "\", \"task_ids\": [\"no_such_task\"], \"only_failed\": false}"));
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(200);
    assertThat(JSON.readTree(unknown.body()).get("task_instances")).isEmpty();
    HttpResponse<String> dry = send(post(clear, admin, "{\"dag_run_id\": \"" + runId + "\", \"only_failed\": false}"));
    assertThat(JSON.readTree(dry.body()).get("task_instances").get(0).get("state").asText()).isEqualTo("success");
    assertThat(contrail.stores().runs().taskInstances(new RunKey("hello", runId)).get(0).state().id())
        .as("a dry run changes nothing").isEqualTo("success");
    HttpResponse<String> cleared = send(post(clear, admin,
        "{\"dag_run_id\": \"" + runId + "\", \"only_failed\": false, \"dry_run\": false}"));
    assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
    assertThat(JSON.readTree(cleared.body()).get("task_instances").get(0).get("state").isNull()).isTrue();
    assertThat(send(post(clear, admin, "{\"dag_run_id\": \"no_such_run\"}")).statusCode()).isEqualTo(404);
    assertThat(send(post(clear, admin, "{\"include_past\": true}")).statusCode()).isEqualTo(400);

    HttpResponse<String> failed = send(patch(runs + "/" + runId, admin, "{\"state\": \"failed\"}"));
    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
    assertThat(JSON.readTree(failed.body()).get("state").asText()).isEqualTo("failed");
    assertThat(contrail.stores().runs().findRun(new RunKey("hello", runId)).orElseThrow().state().id())
        .isEqualTo("failed");
    assertThat(send(patch(runs + "/" + runId, admin, "{\"state\": \"running\"}")).statusCode()).isEqualTo(422);
    String viewer = login(url, "viewer", "viewer-pw");
    assertThat(send(patch(runs + "/" + runId, viewer, "{\"state\": \"success\"}")).statusCode()).isEqualTo(403);
    HttpResponse<String> deleted = send(get(runs + "/" + runId, admin).DELETE());
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(contrail.stores().runs().findRun(new RunKey("hello", runId))).isEmpty();
  }

  @Test
  void theLogEndpointNeverReadsOutsideTheLogsFolder() throws Exception {
    String admin = login(url, "admin", adminPassword());
    Files.writeString(home.resolve("secret.txt"), "do not show");
    for (String path : new String[] {
        "/api/v2/dags/hello/dagRuns/..%2F..%2F/taskInstances/say/logs/1",
        "/api/v2/dags/hello/dagRuns/%2e%2e/taskInstances/say/logs/1",
        "/api/v2/dags/hello/dagRuns/x/taskInstances/%2e%2e%2f%2e%2e%2fsecret.txt/logs/1",
        "/api/v2/dags/%2e%2e/dagRuns/x/taskInstances/say/logs/1",
        "/api/v2/dags/hello/dagRuns/a%00b/taskInstances/say/logs/1",
        "/api/v2/dags/hello/dagRuns/x/taskInstances/say/logs/..%2F..%2Fsecret.txt"}) {
      HttpResponse<String> r = send(get(url + path, admin).header("Accept", "text/plain"));
      assertThat(r.statusCode()).as(path + " -> " + r.body()).isBetween(400, 422);
      assertThat(r.body()).as(path).doesNotContain("do not show").doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheOperationsServed() throws Exception {
    HttpResponse<String> r = send(get(url + "/api/v2/openapi.json", null));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode paths = JSON.readTree(r.body()).get("paths");
    Set<String> documented = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (Set.of("get", "post", "patch", "put", "delete").contains(m)) {
          documented.add(m.toUpperCase() + " " + path.getKey());
        }
      });
    }
    Set<String> served = new HashSet<>();
    api.server().routes().forEach(route -> served.add(route.method() + " " + route.path()));
    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    assertThat(send(get(url + "/api/v2/docs", null)).body()).contains("/webjars/swagger-ui/").doesNotContain("https://");
  }

  @Test
  void corsIsOffUnlessConfiguredAndOversizedBodiesAreRefused() throws Exception {
    String admin = login(url, "admin", adminPassword());
    HttpResponse<String> cors = send(get(url + "/api/v2/version", null).header("Origin", "http://evil.example"));
    assertThat(cors.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    String big = "{\"conf\": {\"x\": \"" + "a".repeat(1_100_000) + "\"}}";
    HttpResponse<String> tooBig = send(post(url + "/api/v2/dags/hello/dagRuns", admin, big));
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooBig.body()).has("detail")).isTrue();
  }

  @Test
  void authenticationOffIsRefusedUnlessTheHostIsLoopback(@TempDir Path other) {
    InProcessContrail shared = contrail;
    RestApi.Started sharedApi = api;
    try {
      assertThatThrownBy(() -> start(other, Map.of("CONTRAIL__API__AUTH", "none", "CONTRAIL__API__HOST", "0.0.0.0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("[api] auth = none")
          .hasMessageContaining("0.0.0.0");
    } finally {
      contrail.close();
      contrail = shared;
      api = sharedApi;
    }
  }
}
