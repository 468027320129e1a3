package io.contrail.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.rest.auth.Accounts;
import io.contrail.testing.CliProcess;
import io.contrail.testing.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real {@code standalone} driven by Airflow's own REST client ({@code apache-airflow-client}
 * 3.3.2 and {@code airflowctl}, through src/test/python/airflow_client_check.py with
 * {@code --contrail}) and fuzzed by schemathesis against its own OpenAPI document: what an Airflow
 * user's tools see. One server for both, since starting it is the expensive part; the client check
 * goes first, because the fuzzer, an admin, deletes and changes what it finds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AirflowClientsE2eTest {
  private static final String VIEWER_PASSWORD = "viewer-pw";

  private CliProcess cli;
  private CliProcess.Background standalone;
  private String baseUrl;
  private Path python;

  @BeforeAll
  void startStandalone() throws IOException {
    python = Peers.pythonVenv().resolve("bin/python");
    cli = new CliProcess(Files.createTempDirectory("contrail-api-e2e-"));
    for (String dag : List.of("check_ok", "check_fail", "check_delete", "broken_dag")) {
      try (InputStream in = getClass().getResourceAsStream("checkdags/" + dag + ".yaml")) {
        Files.write(cli.dagsFolder().resolve(dag + ".yaml"), in.readAllBytes());
      }
    }
    cli.env("CONTRAIL__API__USERS", "viewer:viewer:" + Accounts.hash(VIEWER_PASSWORD));
    standalone = cli.start("standalone");
    standalone.awaitOutput("Press Ctrl+C to stop.");
    Matcher url = Pattern.compile("api:\\s+(http://\\S+)/api/v2").matcher(standalone.stdout());
    assertThat(url.find()).as("standalone prints the API's URL: %s", standalone).isTrue();
    baseUrl = url.group(1);
    assertThat(standalone.stdout()).contains("log in as 'admin' with the password in "
        + cli.home().resolve("api_admin_password"));
  }

  @AfterAll
  void stop() throws IOException {
    if (cli != null) {
      cli.close();
      try (Stream<Path> files = Files.walk(cli.home())) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void airflowsPythonClientAndAirflowctlGetWhatAirflowWouldAnswer() throws Exception {
    List<String> command = new ArrayList<>(List.of(python.toString(),
        Peers.projectRoot().resolve("src/test/python/airflow_client_check.py").toString(),
        "--base-url", baseUrl, "--username", "admin", "--password=" + secret("api_admin_password"),
        "--dag-id", "check_ok", "--failing-dag-id", "check_fail", "--failing-task-id", "boom",
        "--delete-dag-id", "check_delete", "--viewer-username", "viewer", "--viewer-password", VIEWER_PASSWORD,
        "--expect-log", "hello from-check-{tag}", "--expect-import-error", "broken_dag",
        "--jwt-secret=" + secret("api_secret_key"), "--airflowctl", "--contrail", "--timeout", "60"));
    Outcome check = run(command, 240);
    assertThat(check.exitCode()).as("%s", check).isZero();
    assertThat(check.output()).containsPattern("\\n[1-9][0-9]* passed, 0 failed").doesNotContain("\nFAIL ");
  }

  @Test
  @Order(2)
  void schemathesisFindsNoServerErrorAndNoResponseOutsideTheDocument() throws Exception {
    String token = token();
    // /wait streams until a run ends: runs of the paused DAGs it would pick never do
    Outcome fuzz = run(List.of(python.resolveSibling("st").toString(), "run", baseUrl + "/api/v2/openapi.json",
        "--url", baseUrl, "-H", "Authorization: Bearer " + token,
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
            + "response_schema_conformance,response_headers_conformance",
        "--phases", "examples,coverage,fuzzing", "--max-examples", "4", "--seed", "13",
        "--request-timeout", "10", "--exclude-path-regex", "/wait$", "--no-color"), 150);
    assertThat(fuzz.exitCode()).as("%s", fuzz).isZero();
  }

  private String token() throws Exception {
    Outcome login = run(List.of(python.toString(), "-c", """
        import json, sys, urllib.request
        req = urllib.request.Request(sys.argv[1] + "/auth/token", method="POST",
            data=json.dumps({"username": "admin", "password": sys.argv[2]}).encode(),
            headers={"Content-Type": "application/json"})
        print(json.load(urllib.request.urlopen(req))["access_token"])
        """, baseUrl, secret("api_admin_password")), 30);
    assertThat(login.exitCode()).as("%s", login).isZero();
    return login.output().strip();
  }

  private String secret(String file) throws IOException {
    return Files.readString(cli.home().resolve(file)).strip();
  }

  private record Outcome(List<String> command, int exitCode, String output) {
    @Override
    public String toString() {
      return String.join(" ", command.subList(0, Math.min(3, command.size()))) + " ... -> exit " + exitCode
          + "\n" + output;
    }
  }

  private Outcome run(List<String> command, int timeoutSeconds) throws Exception {
    Path out = Files.createTempFile(cli.home(), "peer-", ".out");
    // in the throw-away home: schemathesis keeps its example cache (.schemathesis/) in the working directory
    Process p = new ProcessBuilder(command).directory(cli.home().toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      return new Outcome(command, -1, "did not finish within " + timeoutSeconds + " s\n"
          + Files.readString(out, StandardCharsets.UTF_8) + "\n--- standalone\n" + standalone);
    }
    return new Outcome(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
