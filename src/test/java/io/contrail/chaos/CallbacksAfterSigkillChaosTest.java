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
 * Callbacks survive a SIGKILL of the scheduler: a task fails while no scheduler runs (its shell
 * wrapper records the exit), the next standalone adopts the failure and fires the task's
 * on_failure and the DAG's on_failure, each exactly once (a ledger file proves it), and the
 * callbacks change no state.
 */
@ExtendWith(CliExtension.class)
class CallbacksAfterSigkillChaosTest {
  CliProcess cli;

  @Test
  void aTaskThatFailsWhileTheSchedulerIsDeadGetsItsCallbacksOnceAfterTheRestart() throws Exception {
    Path home = cli.home();
    Path ledger = home.resolve("callbacks.txt");
    Path pidFile = home.resolve("task.pid");
    cli.dag("called", """
        dag_id: called
        schedule: null
        paused: false
        start_date: 2026-01-01
        on_failure: 'echo "run {{ dag_id }} {{ state }}" >> %1$s'
        tasks:
          - task_id: fails_while_dead
            type: shell
            command: 'echo $$ > %2$s; sleep 4; exit 3'
            on_failure: 'echo "task {{ task_id }} try {{ try_number }} {{ state }}" >> %1$s; exit 9'
        """.formatted(ledger, pidFile));
    cli.ok("dags", "trigger", "called", "--run-id", "r1");

    CliProcess.Background first = cli.start("standalone");
    first.awaitOutput("Press Ctrl+C to stop.");
    long pid = CliProcess.awaitPid(pidFile, Duration.ofSeconds(30));
    cli.killOnClose(pid);
    first.process.destroyForcibly();
    assertThat(first.waitFor(Duration.ofSeconds(10))).isNotNull();
    await(() -> !CliProcess.isAlive(pid), "the task finishing on its own");
    assertThat(Files.exists(ledger)).as("no callback ran before the restart").isFalse();

    CliProcess.Background second = cli.env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000").start("standalone");
    second.awaitOutput("Press Ctrl+C to stop.");
    JsonNode run = cli.awaitRun("called", "r1", Duration.ofSeconds(40), r -> r.get("state").asText().equals("failed"));
    await(() -> lines(ledger).size() >= 2, "both callbacks in the ledger");
    CliProcess.sleep(Duration.ofSeconds(2)); // a second firing would land now
    second.process.destroy();
    assertThat(second.waitFor(Duration.ofSeconds(15))).as("exit of %s", second).isEqualTo(0);

    assertThat(lines(ledger)).containsExactlyInAnyOrder("task fails_while_dead try 1 failed", "run called failed");
    JsonNode task = CliProcess.task(run, "fails_while_dead");
    assertThat(task.get("state").asText()).as("a failing callback changes nothing").isEqualTo("failed");
    assertThat(task.get("try_number").asInt()).isEqualTo(1);
    assertThat(cli.showRun("called", "r1").get("state").asText()).isEqualTo("failed");
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      return List.of();
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
