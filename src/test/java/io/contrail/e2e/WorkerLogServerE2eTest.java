package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.executor.TaskLogs;
import io.contrail.run.TaskInstanceKey;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.Postgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker whose logs folder is not the API server's nor the CLI's (as on another machine): its
 * shell task's output, live and finished, reaches {@code tasks logs} and the REST log endpoint
 * through the worker's log server; once the worker is stopped both say which host:port could not
 * be reached and why, without a stack trace.
 */
@ExtendWith(CliExtension.class)
class WorkerLogServerE2eTest {
  private static final String LOG = "/api/v2/dags/far/dagRuns/r1/taskInstances/t/logs/1";
  CliProcess cli;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void logsOfATryOnAnotherWorkerAreFetchedFromItsLogServerAndItsAbsenceIsExplained() throws Exception {
    String url = Postgres.newDatabase("logserver");
    Path go = cli.home().resolve("go");
    cli.env("CONTRAIL__DATABASE__URL", url)
        .env("CONTRAIL__DATABASE__USER", "postgres")
        .env("CONTRAIL__CORE__EXECUTOR", "distributed")
        .env("CONTRAIL__CORE__LOAD_EXAMPLES", "false")
        .env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "200")
        .env("CONTRAIL__WORKER__POLL_INTERVAL_MS", "200")
        .env("CONTRAIL__API__PORT", "0");
    cli.dag("far", """
        dag_id: far
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - {task_id: t, type: shell, command: 'echo "first-line-from-the-worker-$((6*7))"; while [ ! -f %s ]; do sleep 0.1; done; echo "last-line-$((6*7))"'}
        """.formatted(go)); // the log shows the command as written: only its output has the 42s
    cli.ok("dags", "trigger", "far", "--run-id", "r1");

    int port = freePort();
    Path workerLogs = cli.home().resolve("worker-logs");
    cli.env("CONTRAIL__LOGS__BASE_LOG_FOLDER", workerLogs.toString())
        .env("CONTRAIL__WORKER__LOG_SERVER_PORT", Integer.toString(port))
        .env("CONTRAIL__WORKER__LOG_SERVER_HOST", "127.0.0.1")
        .env("CONTRAIL__WORKER__LOG_SERVER_BIND_HOST", "127.0.0.1");
    CliProcess.Background worker = cli.start("worker");
    worker.awaitOutput("Press Ctrl+C to stop.");
    assertThat(worker.stdout()).contains("log server:  http://127.0.0.1:" + port + " (listening on 127.0.0.1");
    // everything else reads its own logs folder, where the worker's logs are not
    cli.env("CONTRAIL__LOGS__BASE_LOG_FOLDER", cli.home().resolve("logs").toString())
        .env("CONTRAIL__WORKER__LOG_SERVER_PORT", "0");
    CliProcess.Background scheduler = cli.start("scheduler");
    CliProcess.Background api = cli.start("api-server");
    scheduler.awaitOutput("Press Ctrl+C to stop.");
    api.awaitOutput("Press Ctrl+C to stop.");
    Matcher m = Pattern.compile("api:\\s+(http://\\S+)/api/v2").matcher(api.stdout());
    assertThat(m.find()).as("%s", api).isTrue();
    String base = m.group(1);
    String token = token(base);

    // live: the running try's first line, through the log server, from the API
    String live = awaitLog(base, token, "first-line-from-the-worker-42");
    assertThat(live).doesNotContain("last-line-42");
    String session = webLogin(base);
    String page = web(base, "/dags/far/runs/r1/tasks/t/log?try=1", session);
    assertThat(page).as("the web UI follows the live log through the log server").contains("first-line-from-the-worker-42")
        .contains("data-live=\"true\"");
    assertThat(cli.showRun("far", "r1").path("state").asText()).isEqualTo("running");
    Files.writeString(go, "");
    cli.awaitRun("far", "r1", Duration.ofSeconds(60), r -> r.path("state").asText().equals("success"));

    TaskInstanceKey key = new TaskInstanceKey("far", "r1", "t");
    assertThat(TaskLogs.attemptLog(workerLogs, key, 1)).exists();
    assertThat(TaskLogs.attemptLog(cli.home().resolve("logs"), key, 1)).doesNotExist();
    CliProcess.Result logs = cli.callOk("tasks", "logs", "far", "r1", "t");
    assertThat(logs.stdout()).contains("first-line-from-the-worker-42", "last-line-42");
    JsonNode json = cli.callJson("tasks", "logs", "far", "r1", "t", "--json");
    assertThat(json.path("log_source").asText()).startsWith("worker 127.0.0.1:" + port + " dag_id=far/");
    String text = get(base + LOG, token, "text/plain").body();
    assertThat(text).contains("first-line-from-the-worker-42", "last-line-42");
    JsonNode content = CliProcess.JSON.readTree(get(base + LOG, token, "application/json").body()).path("content");
    assertThat(content.get(1).path("event").asText()).startsWith("worker log server 127.0.0.1:" + port);

    worker.process.destroy();
    assertThat(worker.waitFor(Duration.ofSeconds(30))).as("%s", worker).isEqualTo(0);

    String unreachable = "cannot reach the log server of the worker at 127.0.0.1:" + port
        + ": connection refused (is the worker stopped?)";
    CliProcess.Result gone = cli.call("tasks", "logs", "far", "r1", "t");
    assertThat(gone.exitCode()).as("%s", gone).isEqualTo(2);
    assertThat(gone.stderr()).contains(unreachable).contains("state success").contains("attempt=1.log")
        .doesNotContain("Exception").doesNotContain("\tat ");
    HttpResponse<String> rest = get(base + LOG, token, "application/json");
    assertThat(rest.statusCode()).isEqualTo(200);
    assertThat(rest.body()).contains("Could not read the log from the worker's log server: " + unreachable)
        .doesNotContain("Exception");
    assertThat(web(base, "/dags/far/runs/r1/tasks/t/log?try=1", session)).contains("(cannot read the log: " + unreachable);
  }

  private String webLogin(String base) throws Exception {
    String password = Files.readString(cli.home().resolve("api_admin_password")).strip();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=admin&password="
            + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("login: %s", r.body()).isEqualTo(302);
    return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
  }

  private String web(String base, String path, String session) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", session).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }

  private String awaitLog(String base, String token, String text) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      last = get(base + LOG, token, "text/plain").body();
      if (last.contains(text)) {
        return last;
      }
      CliProcess.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("no '" + text + "' in the log within 60 s; last: " + last);
  }

  private HttpResponse<String> get(String url, String token, String accept) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token(String base) throws Exception {
    String password = Files.readString(cli.home().resolve("api_admin_password")).strip();
    return CliProcess.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + password + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asText();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
