package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Operating runs from the CLI as an Airflow user does, in a second process beside a running
 * scheduler on the same database: {@code dags trigger --wait}, {@code tasks clear} with its
 * confirmation, {@code tasks states}, {@code runs mark} stopping a task that the scheduler's
 * process runs, {@code runs delete}, {@code dags delete} and {@code tasks test}.
 */
@ExtendWith(CliExtension.class)
class RunOperationsE2eTest {
  CliProcess cli;

  @Test
  void clearAFailedTaskBesideARunningSchedulerAndTheRunSucceedsWithBothTriesKept() {
    Path marker = cli.home().resolve("fixed");
    cli.dag("fix", """
        dag_id: fix
        schedule: null
        start_date: 2026-01-01
        paused: false
        tasks:
          - task_id: check
            type: shell
            command: 'echo "looking for the marker"; test -f %s'
          - task_id: after
            type: shell
            command: echo after
            depends_on: [check]
        """.formatted(marker));
    CliProcess.Background scheduler = cli.start("scheduler");
    scheduler.awaitOutput("Press Ctrl+C to stop.");

    CliProcess.Result failed = cli.run("dags", "trigger", "fix", "--run-id", "r1", "--wait");
    assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
    assertThat(failed.stdout()).contains("queued run r1 of fix").contains("run r1 failed");

    CliProcess.Result asked = cli.run("tasks", "clear", "fix", "r1", "--task", "check", "--downstream");
    assertThat(asked.exitCode()).as("no answer on stdin is no: %s", asked).isEqualTo(1);
    assertThat(asked.stdout()).contains("check").contains("failed -> none").contains("(next try 2")
        .contains("upstream_failed -> none").contains("aborted: nothing changed");
    assertThat(CliProcess.task(cli.showRun("fix", "r1"), "check").get("state").asText()).isEqualTo("failed");

    try {
      Files.writeString(marker, "");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    CliProcess.Result cleared = cli.ok("tasks", "clear", "fix", "r1", "--task", "check", "--downstream", "--yes");
    assertThat(cleared.stdout()).contains("done: 2 task instance(s) in 1 run(s) changed");

    JsonNode run = cli.awaitRun("fix", "r1", Duration.ofSeconds(30), r -> r.get("state").asText().equals("success"));
    assertThat(CliProcess.task(run, "check").get("try_number").asInt()).isEqualTo(2);
    JsonNode states = cli.json("tasks", "states", "fix", "r1", "--json");
    assertThat(states.get(0).get("task_id").asText()).isEqualTo("check");
    assertThat(states.get(0).get("state").asText()).isEqualTo("success");
    assertThat(states.get(1).get("state").asText()).isEqualTo("success");
    assertThat(cli.ok("tasks", "logs", "fix", "r1", "check", "--try", "1").stdout())
        .as("the first try's log is kept").contains("looking for the marker").contains("exited with code 1");

    CliProcess.Result whole = cli.ok("runs", "clear", "fix", "r1", "--yes");
    assertThat(whole.stdout()).contains("done: 2 task instance(s)");
    run = cli.awaitRun("fix", "r1", Duration.ofSeconds(30), r -> r.get("state").asText().equals("success")
        && CliProcess.task(r, "after").get("try_number").asInt() == 2);
    assertThat(CliProcess.task(run, "check").get("try_number").asInt()).isEqualTo(3);
  }

  @Test
  void markingARunFailedFromTheCliKillsTheTaskTheSchedulerRunsAndDeleteCleansUp() throws Exception {
    Path pidFile = cli.home().resolve("sleep.pid");
    cli.dag("long", """
        dag_id: long
        schedule: null
        start_date: 2026-01-01
        paused: false
        tasks:
          - task_id: sleeps
            type: shell
            command: 'echo $$ > %s; exec sleep 3600'
          - task_id: later
            type: shell
            command: echo later
            depends_on: [sleeps]
        """.formatted(pidFile));
    CliProcess.Background scheduler = cli.start("scheduler");
    scheduler.awaitOutput("Press Ctrl+C to stop.");
    cli.ok("dags", "trigger", "long", "--run-id", "r1");
    long pid = CliProcess.awaitPid(pidFile, Duration.ofSeconds(30));
    cli.killOnClose(pid);
    assertThat(CliProcess.isAlive(pid)).isTrue();

    CliProcess.Result deleteRunning = cli.run("runs", "delete", "long", "r1", "--yes");
    assertThat(deleteRunning.exitCode()).as("%s", deleteRunning).isEqualTo(2);
    assertThat(deleteRunning.stderr()).contains("cannot be deleted in running state");

    JsonNode marked = cli.json("runs", "mark", "long", "r1", "--state", "failed", "--yes", "--json");
    long markedAt = System.nanoTime();
    assertThat(marked.get("runs").get(0).get("state").asText()).isEqualTo("failed");
    while (CliProcess.isAlive(pid) && System.nanoTime() - markedAt < Duration.ofSeconds(5).toNanos()) {
      CliProcess.sleep(Duration.ofMillis(50));
    }
    assertThat(CliProcess.isAlive(pid)).as("the scheduler's process killed the sleep within seconds").isFalse();

    JsonNode run = cli.showRun("long", "r1");
    assertThat(run.get("state").asText()).as("the scheduler leaves the marked run alone").isEqualTo("failed");
    assertThat(CliProcess.task(run, "sleeps").get("state").asText()).isEqualTo("failed");
    assertThat(CliProcess.task(run, "later").get("state").asText()).isEqualTo("skipped");
    assertThat(run.get("attempts").toString()).contains("stopped by user (cli:");
    assertThat(cli.ok("tasks", "logs", "long", "r1", "sleeps").stdout()).contains("[contrail] stopped");

    cli.ok("runs", "delete", "long", "r1", "--yes", "--logs");
    assertThat(cli.run("runs", "show", "long", "r1").exitCode()).isNotZero();
    assertThat(cli.ok("dags", "delete", "long", "--yes").stdout()).contains("deleted DAG long and 0 run(s)");
  }

  @Test
  void tasksTestRunsOneTaskAloneWithItsExitCodeAndStoresNothing() {
    cli.dag("alone", """
        dag_id: alone
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: first
            type: shell
            command: 'echo "first at {{ logical_date }}"; exit 3'
          - task_id: second
            type: shell
            command: 'echo "second of {{ dag_id }}"'
            depends_on: [first]
        """);

    CliProcess.Result second = cli.run("tasks", "test", "alone", "second");
    assertThat(second.exitCode()).as("dependencies are ignored: %s", second).isZero();
    assertThat(second.stdout()).contains("second of alone");

    CliProcess.Result first = cli.run("tasks", "test", "alone", "first", "--logical-date", "2026-02-03", "--json");
    assertThat(first.exitCode()).as("the task's own exit code: %s", first).isEqualTo(3);
    assertThat(first.stderr()).as("with --json the log goes to stderr").contains("first at 2026-02-03");
    assertThat(first.json().get("exit_code").asInt()).isEqualTo(3);
    assertThat(first.json().get("state").asText()).isEqualTo("failed");

    CliProcess.Result unknown = cli.run("tasks", "test", "alone", "third");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("has no task 'third'");
    assertThat(cli.ok("runs", "list", "--dag", "alone", "--json").json()).as("no state is stored").isEmpty();
  }
}
