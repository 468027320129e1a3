package io.contrail.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An operator's bad day on H2, with a ledger: every try of every task appends its run id, task
 * id, try number and a random token to one file. A task's leader is SIGKILLed (its background
 * child must go with it and the task is retried), then standalone itself is SIGKILLed while a
 * task sleeps; that task finishes while no scheduler runs, and the next standalone adopts its
 * success instead of running it again. The ledger proves no completed try ran twice.
 */
@ExtendWith(CliExtension.class)
class StandaloneCrashChaosTest {
  CliProcess cli;

  @Test
  void leaderKillAndSigkillOfStandaloneNeverRunACompletedTryAgain() throws Exception {
    Path home = cli.home();
    Path ledger = home.resolve("ledger.txt");
    String append = "echo \"$CONTRAIL_RUN_ID $CONTRAIL_TASK_ID $CONTRAIL_TRY_NUMBER $RANDOM$RANDOM$RANDOM\" >> " + ledger;
    cli.dag("ledgered", """
        dag_id: ledgered
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: finishes_while_dead
            type: shell
            command: 'echo $$ > %1$s/fwd.pid; sleep 8; %2$s'
            retries: 2
            retry_delay: 200ms
          - task_id: leader_killed
            type: shell
            command: >-
              %2$s;
              if [ "$CONTRAIL_TRY_NUMBER" = 1 ]; then sleep 200 & echo $! > %1$s/child.pid; echo $$ > %1$s/leader.pid; wait; fi
            retries: 1
            retry_delay: 200ms
          - task_id: after
            type: shell
            command: '%2$s'
            depends_on: [finishes_while_dead, leader_killed]
        """.formatted(home, append));
    cli.ok("dags", "trigger", "ledgered", "--run-id", "r1");

    CliProcess.Background first = cli.start("standalone");
    first.awaitOutput("Press Ctrl+C to stop.");
    awaitFile(home.resolve("leader.pid"));
    awaitFile(home.resolve("fwd.pid"));
    long leader = CliProcess.readPid(home.resolve("leader.pid"));
    long child = CliProcess.readPid(home.resolve("child.pid"));
    long fwd = CliProcess.readPid(home.resolve("fwd.pid"));
    cli.killOnClose(child);
    cli.killOnClose(fwd);

    // the kill of a task's leader: its child goes with it and the task is retried
    new ProcessBuilder("kill", "-KILL", Long.toString(leader)).start().waitFor();
    awaitGone(child, "the background child of a killed leader");
    awaitLine(ledger, "r1 leader_killed 2 ");

    // SIGKILL of standalone while finishes_while_dead sleeps: the task finishes on its own
    assertThat(CliProcess.isAlive(fwd)).as("finishes_while_dead still running at the kill").isTrue();
    first.process.destroyForcibly();
    assertThat(first.waitFor(Duration.ofSeconds(10))).isNotNull();
    awaitGone(fwd, "finishes_while_dead, finishing without a scheduler");
    awaitLine(ledger, "r1 finishes_while_dead 1 ");

    CliProcess.Background second = cli.env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000").start("standalone");
    second.awaitOutput("Press Ctrl+C to stop.");
    JsonNode run = cli.awaitRun("ledgered", "r1", Duration.ofSeconds(40),
        r -> r.get("state").asText().matches("success|failed"));
    second.process.destroy();
    assertThat(second.waitFor(Duration.ofSeconds(15))).as("exit of %s", second).isEqualTo(0);

    assertThat(run.get("state").asText()).as("%s\n%s", run.toPrettyString(), second).isEqualTo("success");
    JsonNode adopted = CliProcess.task(run, "finishes_while_dead");
    assertThat(adopted.get("state").asText()).isEqualTo("success");
    assertThat(adopted.get("try_number").asInt()).as("the finished try was adopted, not run again").isEqualTo(1);
    assertThat(CliProcess.task(run, "leader_killed").get("try_number").asInt()).isEqualTo(2);

    List<String> tries = Files.readAllLines(ledger).stream()
        .map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
    assertThat(tries).as("tries in the ledger: each ran once, none again after it completed")
        .containsExactlyInAnyOrder("r1 finishes_while_dead 1", "r1 leader_killed 1", "r1 leader_killed 2",
            "r1 after 1");
  }

  private static void awaitFile(Path file) {
    await(() -> Files.exists(file) && !readQuietly(file).isBlank(), "file " + file);
  }

  private static void awaitGone(long pid, String what) {
    await(() -> !CliProcess.isAlive(pid), what + " (pid " + pid + ") gone");
  }

  private static void awaitLine(Path ledger, String prefix) {
    await(() -> Files.exists(ledger) && readQuietly(ledger).lines().anyMatch(l -> l.startsWith(prefix)),
        "a ledger line starting '" + prefix + "'");
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      CliProcess.sleep(Duration.ofMillis(50));
    }
  }
}
