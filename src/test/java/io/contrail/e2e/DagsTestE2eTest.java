package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code contrail dags test} and {@code tasks logs} as a user runs them, on real DAG files. */
@ExtendWith(CliExtension.class)
class DagsTestE2eTest {
  private static final Pattern STARTED = Pattern.compile("try (\\d+) of \\d+ on \\S+ started (\\S+)");

  CliProcess cli;

  @Test
  void dagsTestExitsZeroAndPrintsEveryTaskOnSuccess() {
    cli.dag("hello", """
        dag_id: hello
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: say_hello
            type: shell
            command: 'echo "hello from {{ dag_id }}"'
          - task_id: say_goodbye
            type: shell
            command: echo goodbye
            depends_on: [say_hello]
        """);

    CliProcess.Result r = cli.run("dags", "test", "hello", "--run-id", "r1");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).containsPattern("(?m)^say_hello\\s+success\\s+1\\s")
        .containsPattern("(?m)^say_goodbye\\s+success\\s+1\\s")
        .contains("run r1 success");
  }

  @Test
  void dagsTestExitsOneWhenATaskFails() {
    cli.dag("breaks", """
        dag_id: breaks
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: fails
            type: shell
            command: 'echo "about to fail"; exit 3'
          - task_id: after
            type: shell
            command: echo never
            depends_on: [fails]
        """);

    CliProcess.Result r = cli.run("dags", "test", "breaks", "--run-id", "r1");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stdout()).containsPattern("(?m)^fails\\s+failed\\s+1\\s")
        .containsPattern("(?m)^after\\s+upstream_failed\\s")
        .contains("run r1 failed");
    CliProcess.Result log = cli.ok("tasks", "logs", "breaks", "r1", "fails");
    assertThat(log.stdout()).contains("about to fail").contains("exited with code 3");
  }

  @Test
  void retryRunsTheTaskAgainAfterRetryDelay() {
    cli.dag("flaky", """
        dag_id: flaky
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: flaky
            type: shell
            command: 'echo "this is try $CONTRAIL_TRY_NUMBER"; [ "$CONTRAIL_TRY_NUMBER" -ge 2 ]'
            retries: 1
            retry_delay: 1s
        """);

    CliProcess.Result r = cli.run("dags", "test", "flaky", "--run-id", "r1", "--json");

    assertThat(r.exitCode()).as("%s", r).isZero();
    JsonNode flaky = CliProcess.task(r.json(), "flaky");
    assertThat(flaky.get("state").asText()).isEqualTo("success");
    assertThat(flaky.get("try_number").asInt()).isEqualTo(2);
    String first = cli.ok("tasks", "logs", "flaky", "r1", "flaky", "--try", "1").stdout();
    String latest = cli.ok("tasks", "logs", "flaky", "r1", "flaky").stdout();
    assertThat(first).contains("this is try 1").contains("failed after").contains("exited with code 1");
    assertThat(latest).contains("this is try 2").contains("succeeded after");
    assertThat(Duration.between(startOf(first, 1), startOf(latest, 2)))
        .as("time between the starts of try 1 and try 2").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void executionTimeoutKillsTheWholeProcessTree() {
    Path childPid = cli.home().resolve("child.pid");
    Path grandchildPid = cli.home().resolve("grandchild.pid");
    cli.dag("stuck", """
        dag_id: stuck
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: stuck
            type: shell
            command: 'sleep 300 & echo $! > %s; echo $$ > %s; echo started; sleep 300'
            execution_timeout: 2s
        """.formatted(grandchildPid, childPid));

    long t0 = System.nanoTime();
    CliProcess.Result r = cli.run("dags", "test", "stuck", "--run-id", "r1");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    long child = CliProcess.readPid(childPid);
    long grandchild = CliProcess.readPid(grandchildPid);
    cli.killOnClose(child);
    cli.killOnClose(grandchild);
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    // the task would sleep 300 s: well under that proves the timeout ended it (a JVM start on a
    // loaded 2-core machine has been seen to take 20 s, so no tighter bound)
    assertThat(took).as("dags test with a 2s execution_timeout").isLessThan(Duration.ofSeconds(120));
    assertThat(r.stdout()).containsPattern("(?m)^stuck\\s+failed\\s+1\\s");
    assertThat(cli.ok("tasks", "logs", "stuck", "r1", "stuck").stdout())
        .contains("started").contains("execution_timeout of 2s exceeded");
    // killed with the task's process group; a killed process may linger a moment until it is reaped
    assertGone(child, "task shell process");
    assertGone(grandchild, "background grandchild");
  }

  private static void assertGone(long pid, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (CliProcess.isAlive(pid) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(CliProcess.isAlive(pid)).as("%s %d alive 10 s after the timeout killed its group", what, pid).isFalse();
  }

  private static Instant startOf(String log, int tryNumber) {
    Matcher m = STARTED.matcher(log);
    assertThat(m.find()).as("'started' line in %s", log).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(tryNumber);
    return Instant.parse(m.group(2));
  }
}
