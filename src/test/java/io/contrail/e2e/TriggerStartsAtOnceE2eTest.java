package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A run triggered through standalone's REST API, or from the CLI in another process, starts at
 * once, not at the scheduler's next loop: with a 60-second loop interval the run is started and
 * finished within seconds.
 */
@ExtendWith(CliExtension.class)
class TriggerStartsAtOnceE2eTest {
  CliProcess cli;

  @Test
  void aRunTriggeredThroughTheApiStartsBeforeTheNextLoop() throws Exception {
    CliProcess.Background standalone = standaloneWithAMinuteBetweenLoops();
    Matcher m = Pattern.compile("api:\\s+(http://\\S+)/api/v2").matcher(standalone.stdout());
    assertThat(m.find()).as(standalone.toString()).isTrue();
    String url = m.group(1);
    HttpClient http = HttpClient.newHttpClient();
    String password = Files.readString(cli.home().resolve("api_admin_password")).strip();
    String token = CliProcess.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + password + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asText();
    // the first loop (which syncs the DAG) is done once the API lists it
    Instant until = Instant.now().plusSeconds(30);
    while (!get(http, url + "/api/v2/dags/now", token).has("dag_id")) {
      assertThat(Instant.now()).as("DAG 'now' listed").isBefore(until);
      Thread.sleep(100);
    }
    Thread.sleep(1000);   // well inside the 60 s until the next loop

    JsonNode run = CliProcess.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/dags/now/dagRuns"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"logical_date\": null}")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String runUrl = url + "/api/v2/dags/now/dagRuns/" + run.get("dag_run_id").asText();
    Instant deadline = Instant.now().plusSeconds(20);
    JsonNode state = get(http, runUrl, token);
    while (!state.path("state").asText().equals("success")) {
      assertThat(Instant.now()).as("run finished long before the next loop: %s", state).isBefore(deadline);
      Thread.sleep(50);
      state = get(http, runUrl, token);
    }
    Duration queuedToStart = Duration.between(Instant.parse(state.get("queued_at").asText()),
        Instant.parse(state.get("start_date").asText()));
    assertThat(queuedToStart).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void onTheEmbeddedDatabaseARunTriggeredFromTheCliStartsBeforeTheNextLoop() throws Exception {
    standaloneWithAMinuteBetweenLoops();
    Instant until = Instant.now().plusSeconds(30);
    while (cli.call("dags", "list").stdout().lines().noneMatch(l -> l.startsWith("now "))) {
      assertThat(Instant.now()).as("DAG 'now' listed").isBefore(until);
      Thread.sleep(200);
    }
    Thread.sleep(1000); // the first loop is over: the next is a minute away

    cli.ok("dags", "trigger", "now", "--run-id", "from-cli"); // another process, joining standalone's H2
    JsonNode run = cli.awaitRun("now", "from-cli", Duration.ofSeconds(20), r -> r.path("state").asText().equals("success"));
    Duration queuedToStart = Duration.between(Instant.parse(run.get("queued_at").asText()),
        Instant.parse(run.get("start_date").asText()));
    assertThat(queuedToStart).as("%s", run).isLessThan(Duration.ofSeconds(5));
  }

  /** standalone with a one-task DAG 'now' and 60 s between loops, started. */
  private CliProcess.Background standaloneWithAMinuteBetweenLoops() {
    cli.env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "60000");
    cli.dag("now", """
        dag_id: now
        schedule: null
        start_date: 2026-01-01
        paused: false
        tasks:
          - {task_id: t, type: noop}
        """);
    CliProcess.Background standalone = cli.start("standalone");
    standalone.awaitOutput("Press Ctrl+C to stop.");
    return standalone;
  }

  private static JsonNode get(HttpClient http, String url, String token) throws Exception {
    return CliProcess.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
  }
}
