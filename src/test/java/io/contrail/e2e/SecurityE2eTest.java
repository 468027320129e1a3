package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import io.contrail.testing.SocketTable;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #11 as a user and an attacker on the same machine see it: what a running standalone and a
 * scheduler listen on (the kernel's socket table), the modes of the files they create, whether a
 * run's secrets show anywhere the CLI prints them, what a task can read of Contrail's own secrets
 * and of another DAG's, and a run id that tries to leave the logs folder.
 */
@ExtendWith(CliExtension.class)
class SecurityE2eTest {
  private static final String CONF = """
      {"db_password": "hunter2-pw", "api_token": "tok-123456", "short_key": "abc",
       "nested": {"secret_key": "nested-s3cret"}, "list": [{"password": "listed-pw-1"}], "region": "eu-west-1"}""";
  private static final List<String> SECRETS = List.of("hunter2-pw", "tok-123456", "nested-s3cret", "listed-pw-1",
      "literal-env-secret");

  CliProcess cli;

  @Test
  void standaloneListensOnLoopbackOnlyKeepsItsFilesPrivateAndNeverPrintsARunsSecrets() throws Exception {
    Path envDump = Files.createTempDirectory("contrail-task-env-").resolve("env.txt");
    cli.dag("vault", """
        dag_id: vault
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: shell
            type: shell
            env:
              SERVICE_PASSWORD: literal-env-secret
            command: 'echo "calling --token={{ conf.api_token }} with {{ conf.db_password }}"; env > %s'
          - task_id: call
            type: http
            url: 'http://127.0.0.1:1/hook?access_token={{ conf.api_token }}'
            retries: 0
        """.formatted(envDump));
    cli.dag("other", """
        dag_id: other
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: t
            type: shell
            env:
              OTHER_DAG_TOKEN: other-dags-own-secret
            command: 'true'
        """);
    int prometheusPort;
    try (ServerSocket free = new ServerSocket(0)) {
      prometheusPort = free.getLocalPort();
    }
    cli.env("CONTRAIL__METRICS__PROMETHEUS_ON", "true")
        .env("CONTRAIL__METRICS__PROMETHEUS_PORT", String.valueOf(prometheusPort))
        .env("CONTRAIL__METRICS__STATSD_ON", "true");
    CliProcess.Background standalone = cli.start("standalone");
    standalone.awaitOutput("Press Ctrl+C to stop.");

    List<SocketTable.Socket> sockets = awaitListening(standalone.pid(), prometheusPort);
    assertThat(sockets).as("listening sockets of standalone").isNotEmpty()
        .allSatisfy(s -> assertThat(s.loopback()).as("%s is on loopback", s).isTrue());
    assertThat(sockets).as("the H2 auto-server and /metrics").hasSizeGreaterThanOrEqualTo(2);

    String runId = cli.json("dags", "trigger", "vault", "--run-id", "secret_run", "--conf", CONF, "--json")
        .get("run_id").asText();
    JsonNode run = cli.awaitRun("vault", runId, Duration.ofSeconds(40),
        r -> r.get("state").asText().equals("failed") || r.get("state").asText().equals("success"));
    assertThat(CliProcess.task(run, "shell").get("state").asText()).as("%s", run).isEqualTo("success");
    assertThat(CliProcess.task(run, "call").get("state").asText()).as("%s", run).isEqualTo("failed");

    // every output the CLI has: the run's secrets appear as *** (the short one is left, as Airflow)
    JsonNode shown = cli.showRun("vault", runId);
    assertThat(shown.get("conf").get("db_password").asText()).isEqualTo("***");
    assertThat(shown.get("conf").get("nested").get("secret_key").asText()).isEqualTo("***");
    assertThat(shown.get("conf").get("list").get(0).get("password").asText()).isEqualTo("***");
    assertThat(shown.get("conf").get("short_key").asText()).as("keyed values are masked whatever their length")
        .isEqualTo("***");
    assertThat(shown.get("conf").get("region").asText()).isEqualTo("eu-west-1");
    List<String> outputs = new ArrayList<>();
    outputs.add(shown.toString());
    outputs.add(cli.ok("runs", "show", "vault", runId).stdout());
    outputs.add(cli.ok("runs", "list", "--dag", "vault", "--json").stdout());
    outputs.add(cli.ok("runs", "list", "--dag", "vault").stdout());
    outputs.add(cli.ok("dags", "show", "vault", "--json").stdout());
    String shellLog = cli.ok("tasks", "logs", "vault", runId, "shell").stdout();
    String callLog = cli.ok("tasks", "logs", "vault", runId, "call").stdout();
    outputs.add(shellLog);
    outputs.add(callLog);
    try (Stream<Path> files = Files.walk(cli.home().resolve("logs"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f);
        if (f.getFileName().toString().matches("attempt=\\d+\\.log")) {
          // a task's own output goes straight from its process into the file, so that it survives
          // a scheduler crash, and is masked where it is read (tasks logs above, the OTel export);
          // the lines Contrail writes itself are masked on their way in
          text = text.lines().filter(line -> line.startsWith("[contrail]")).collect(Collectors.joining("\n"));
        }
        outputs.add(text);
      }
    }
    outputs.add(standalone.stderr());
    outputs.add(standalone.stdout());
    for (String output : outputs) {
      for (String secret : SECRETS) {
        assertThat(output).as("an output of the CLI").doesNotContain(secret);
      }
    }
    assertThat(shellLog).contains("[contrail] $ echo \"calling --token=*** with ***\"")
        .contains("calling --token=*** with ***");
    assertThat(callLog).as("the failing URL in the log").contains("access_token=***");
    assertThat(CliProcess.task(shown, "call").toString() + shown.get("attempts")).doesNotContain("tok-123456");

    // a task sees its own variables, not Contrail's settings nor another DAG's secrets
    String taskEnv = Files.readString(envDump);
    assertThat(taskEnv).contains("SERVICE_PASSWORD=literal-env-secret")
        .doesNotContain("CONTRAIL__").doesNotContain("other-dags-own-secret")
        .doesNotContain(Files.readString(cli.home().resolve("database_password")).strip());

    // a user-chosen run id cannot leave the logs folder, and the error names the character
    CliProcess.Result traversal = cli.run("dags", "trigger", "vault", "--run-id", "../../escaped");
    assertThat(traversal.exitCode()).as("%s", traversal).isEqualTo(2);
    assertThat(traversal.stderr()).contains("run_id").contains("'/'");
    assertThat(cli.home().resolve("escaped")).doesNotExist();
    assertThat(cli.home().getParent().resolve("escaped")).doesNotExist();

    // what Contrail created in its home is its user's alone
    List<Path> created = new ArrayList<>(List.of(cli.home().resolve("contrail.cfg"),
        cli.home().resolve("database_password"), cli.home().resolve("database_admin_password"),
        cli.home().resolve("contrail.mv.db")));
    try (Stream<Path> logs = Files.walk(cli.home().resolve("logs"))) {
      created.addAll(logs.toList());
    }
    for (Path p : created) {
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
      assertThat(mode).as("mode of %s", p).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
    }

    standalone.process.destroy();
    assertThat(standalone.waitFor(Duration.ofSeconds(15))).as("%s", standalone).isZero();
  }

  @Test
  void aSchedulerListensOnLoopbackOnly() throws Exception {
    cli.dag("idle", """
        dag_id: idle
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: t
            type: noop
        """);
    CliProcess.Background scheduler = cli.start("scheduler");
    scheduler.awaitOutput("Press Ctrl+C to stop.");
    List<SocketTable.Socket> sockets = awaitListening(scheduler.pid(), -1);
    assertThat(sockets).as("the H2 auto-server of the scheduler").isNotEmpty()
        .allSatisfy(s -> assertThat(s.loopback()).as("%s is on loopback", s).isTrue());
    scheduler.process.destroy();
    assertThat(scheduler.waitFor(Duration.ofSeconds(15))).as("%s", scheduler).isZero();
  }

  /** The process's listening sockets, once one is on {@code port} (any, for -1) or after 10 s. */
  private static List<SocketTable.Socket> awaitListening(long pid, int port) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<SocketTable.Socket> sockets = SocketTable.listening(pid);
    while (System.nanoTime() < deadline
        && (port < 0 ? sockets.isEmpty() : sockets.stream().noneMatch(s -> s.port() == port))) {
      CliProcess.sleep(Duration.ofMillis(200));
      sockets = SocketTable.listening(pid);
    }
    return sockets;
  }
}
