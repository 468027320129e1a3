package io.contrail.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.rest.auth.Accounts;
import io.contrail.roles.Contrail;
import io.contrail.storage.JobStore;
import io.contrail.storage.Stores;
import io.contrail.storage.WorkerStore;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.api.trace.TracerProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v2/contrail/workers} and the health endpoint's {@code workers} entry over a real
 * socket, on worker rows as workers and schedulers write them: what {@code workers list} shows,
 * with a silent worker shown lost before any scheduler declared it dead, filters, paging, and who
 * may read it.
 */
class WorkerEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path home;
  private InProcessContrail contrail;
  private RestApi.Started api;
  private String url;
  private final List<Long> jobs = new ArrayList<>();

  @AfterEach
  void close() {
    if (api != null) {
      api.close();
    }
    if (contrail != null) {
      contrail.close();
    }
  }

  private void start(Map<String, String> settings) {
    contrail = new InProcessContrail(home).set("CONTRAIL__API__USERS", "viewer:viewer:" + Accounts.hash("viewer-pw"))
        .set("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", 30_000);
    settings.forEach(contrail::set);
    Contrail c = contrail.contrail();
    api = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(), c.runCreator(), c.operations(),
        c.clock(), TracerProvider.noop().get("test"), c.masker()), 0);
    url = api.server().url();
  }

  /** Four listed workers (one running, one silent for a minute, one declared dead, one stopped) and one ended long ago. */
  private Instant workers() {
    JobStore jobStore = contrail.stores().jobs();
    WorkerStore workers = Stores.workers(contrail.contrail().database());
    Instant now = Instant.now();
    long old = jobStore.start("worker", "host-old", 10, now.minus(Duration.ofHours(3)));
    workers.register(old, List.of("default"), 1, now.minus(Duration.ofHours(3)));
    jobStore.end(old, "success", now.minus(Duration.ofHours(2)));
    long stopped = jobStore.start("worker", "host-stopped", 11, now.minus(Duration.ofMinutes(20)));
    workers.register(stopped, List.of("default"), 2, now.minus(Duration.ofMinutes(20)));
    workers.report(stopped, 0, "stopped", now.minus(Duration.ofMinutes(10)));
    jobStore.end(stopped, "success", now.minus(Duration.ofMinutes(10)));
    long dead = jobStore.start("worker", "host-dead", 12, now.minus(Duration.ofMinutes(5)));
    workers.register(dead, List.of("default"), 4, now.minus(Duration.ofMinutes(5)));
    jobStore.markFailed(dead, now.minus(Duration.ofMinutes(4)));
    long silent = jobStore.start("worker", "host-silent", 13, now.minus(Duration.ofMinutes(2)));
    workers.register(silent, List.of("default"), 4, now.minus(Duration.ofMinutes(2)));
    workers.report(silent, 2, "running", now.minus(Duration.ofMinutes(1)));
    long running = jobStore.start("worker", "host-running", 14, now.minusSeconds(30));
    workers.register(running, List.of("default", "heavy"), 8, now.minusSeconds(30));
    Instant beat = now.minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // H2 rounds sub-micro digits
    jobStore.heartbeat(running, beat);
    workers.report(running, 3, "running", beat);
    jobs.addAll(List.of(running, silent, dead, stopped));
    return beat;
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String viewerToken() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"viewer\", \"password\": \"viewer-pw\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("access_token").asText();
  }

  private JsonNode ok(String path, String token) throws Exception {
    HttpResponse<String> r = get(path, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<Long> jobIds(JsonNode page) {
    List<Long> ids = new ArrayList<>();
    page.get("workers").forEach(w -> ids.add(w.get("job_id").asLong()));
    return ids;
  }

  @Test
  void aViewerListsWorkersNewestFirstWithASilentOneLostAndFiltersAndPagesThem() throws Exception {
    start(Map.of());
    Instant beat = workers();
    String token = viewerToken();

    JsonNode all = ok("/api/v2/contrail/workers", token);
    assertThat(all.get("total_entries").asInt()).isEqualTo(4);
    assertThat(jobIds(all)).as("running and recently ended workers, newest first; not the one ended 2 h ago")
        .containsExactlyElementsOf(jobs);
    JsonNode running = all.get("workers").get(0);
    assertThat(running.get("hostname").asText()).isEqualTo("host-running");
    assertThat(running.get("pid").asLong()).isEqualTo(14);
    assertThat(running.get("queues")).extracting(JsonNode::asText).containsExactly("default", "heavy");
    assertThat(running.get("concurrency").asInt()).isEqualTo(8);
    assertThat(running.get("running").asInt()).isEqualTo(3);
    assertThat(running.get("state").asText()).isEqualTo("running");
    assertThat(Instant.parse(running.get("latest_heartbeat").asText())).isEqualTo(beat.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    assertThat(running.get("start_date").asText()).isNotEmpty();
    assertThat(all.get("workers")).extracting(w -> w.get("state").asText())
        .containsExactly("running", "lost", "lost", "stopped");
    assertThat(all.get("workers").get(1).get("running").asInt()).as("a silent worker's tries are not recovered yet")
        .isEqualTo(2);

    assertThat(jobIds(ok("/api/v2/contrail/workers?state=lost", token))).containsExactly(jobs.get(1), jobs.get(2));
    assertThat(jobIds(ok("/api/v2/contrail/workers?state=running&state=stopped", token)))
        .containsExactly(jobs.get(0), jobs.get(3));
    JsonNode page = ok("/api/v2/contrail/workers?limit=2&offset=1", token);
    assertThat(jobIds(page)).containsExactly(jobs.get(1), jobs.get(2));
    assertThat(page.get("total_entries").asInt()).isEqualTo(4);

    HttpResponse<String> bad = get("/api/v2/contrail/workers?state=dead", token);
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(bad.body()).get("detail").asText())
        .isEqualTo("Invalid value for state. Valid values are running, stopping, stopped, lost");
    HttpResponse<String> badLimit = get("/api/v2/contrail/workers?limit=many", token);
    assertThat(badLimit.statusCode()).isEqualTo(422);
    assertThat(badLimit.body()).contains("limit");
    assertThat(get("/api/v2/contrail/workers", null).statusCode()).as("no token").isEqualTo(401);

    JsonNode health = ok("/api/v2/monitor/health", null).get("workers");
    assertThat(health.get("status").asText()).isEqualTo("healthy");
    assertThat(health.get("healthy_workers").asInt()).isEqualTo(1);
    assertThat(Instant.parse(health.get("latest_worker_heartbeat").asText().replace("+00:00", "Z")))
        .isEqualTo(beat.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  @Test
  void healthKeepsAirflowsShapeWithoutWorkersAndSaysUnhealthyWhenADistributedDeploymentHasNone() throws Exception {
    start(Map.of());
    assertThat(ok("/api/v2/monitor/health", null).has("workers")).isFalse();
    api.close();
    contrail.close();

    start(Map.of("CONTRAIL__CORE__EXECUTOR", "distributed"));
    JsonNode workers = ok("/api/v2/monitor/health", null).get("workers");
    assertThat(workers.get("status").asText()).isEqualTo("unhealthy");
    assertThat(workers.get("healthy_workers").asInt()).isZero();
    assertThat(workers.get("latest_worker_heartbeat").isNull()).isTrue();
    assertThat(ok("/api/v2/contrail/workers", viewerToken()).get("total_entries").asInt()).isZero();
  }
}
