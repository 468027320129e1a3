package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskState;
import io.contrail.storage.Database;
import io.contrail.storage.Stores;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A scheduler killed or stopped mid-run: its tasks are recovered, never run twice at once. */
@ExtendWith(CliExtension.class)
class RecoveryE2eTest {
  CliProcess cli;

  @Test
  void sigkillMidRunIsRecoveredWithoutRunningATaskTwice() throws Exception {
    Path marker = cli.home().resolve("marker.txt");
    // try 1 would sleep far longer than the test: only the recovery can end it
    cli.dag("crashy", """
        dag_id: crashy
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: slow
            type: shell
            command: >-
              echo "start $CONTRAIL_TRY_NUMBER" >> %1$s;
              echo $$ > %2$s/try$CONTRAIL_TRY_NUMBER.pid;
              sleep $(( CONTRAIL_TRY_NUMBER == 1 ? 120 : 2 ));
              echo "end $CONTRAIL_TRY_NUMBER" >> %1$s
            retries: 1
            retry_delay: 500ms
        """.formatted(marker, cli.home()));
    cli.ok("dags", "trigger", "crashy", "--run-id", "r1");

    CliProcess.Background first = cli.start("standalone");
    first.awaitOutput("Press Ctrl+C to stop.");
    cli.awaitRun("crashy", "r1", Duration.ofSeconds(30),
        r -> CliProcess.task(r, "slow").get("state").asText().equals("running") && Files.exists(cli.home().resolve("try1.pid")));
    long orphan = CliProcess.readPid(cli.home().resolve("try1.pid"));
    cli.killOnClose(orphan);
    first.process.destroyForcibly(); // SIGKILL: no shutdown of any kind
    assertThat(first.waitFor(Duration.ofSeconds(10))).isNotNull();
    assertThat(CliProcess.isAlive(orphan)).as("the task process outlives a SIGKILLed scheduler").isTrue();

    CliProcess.Background second = cli.env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000").start("standalone");
    second.awaitOutput("Press Ctrl+C to stop.");
    JsonNode run = cli.awaitRun("crashy", "r1", Duration.ofSeconds(40),
        r -> r.get("state").asText().matches("success|failed"));
    second.process.destroy();
    assertThat(second.waitFor(Duration.ofSeconds(15))).as("exit of %s", second).isEqualTo(0);

    assertThat(run.get("state").asText()).as("%s\n%s", run.toPrettyString(), second).isEqualTo("success");
    JsonNode slow = CliProcess.task(run, "slow");
    assertThat(slow.get("state").asText()).isEqualTo("success");
    assertThat(slow.get("try_number").asInt()).isEqualTo(2);
    assertThat(CliProcess.isAlive(orphan)).as("try 1's process %d after recovery", orphan).isFalse();
    assertThat(Files.readAllLines(marker)).as("starts and ends of the task's tries")
        .containsExactly("start 1", "start 2", "end 2");
    assertThat(second.stderr()).contains("stopped heartbeating");
    List<TaskAttempt> attempts = attempts(new RunKey("crashy", "r1"));
    assertThat(attempts).extracting(TaskAttempt::tryNumber).containsExactly(1, 2);
    assertThat(attempts.get(0).state()).isEqualTo(TaskState.FAILED);
    assertThat(attempts.get(0).status().error()).contains("stopped heartbeating");
    assertThat(attempts.get(1).state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void sigkillMidRunOfACommandRunWithoutBashIsRetriedNeverRunTwice() throws Exception {
    Path marker = cli.home().resolve("marker.txt");
    Path script = cli.home().resolve("dags").resolve("slow.sh");
    Files.createDirectories(script.getParent());
    // a plain command: it runs without bash, its parent is the scheduler's JVM
    Files.writeString(script, """
        #!/bin/sh
        echo "start $CONTRAIL_TRY_NUMBER" >> %1$s
        echo $$ > %2$s/try$CONTRAIL_TRY_NUMBER.pid
        cat /proc/$PPID/comm > %2$s/parent$CONTRAIL_TRY_NUMBER
        if [ "$CONTRAIL_TRY_NUMBER" = 1 ]; then sleep 120; else sleep 1; fi
        echo "end $CONTRAIL_TRY_NUMBER" >> %1$s
        """.formatted(marker, cli.home()));
    script.toFile().setExecutable(true);
    cli.dag("direct", """
        dag_id: direct
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: slow
            type: shell
            command: ./slow.sh
            retries: 1
            retry_delay: 500ms
        """);
    cli.ok("dags", "trigger", "direct", "--run-id", "r1");

    CliProcess.Background first = cli.start("standalone");
    first.awaitOutput("Press Ctrl+C to stop.");
    cli.awaitRun("direct", "r1", Duration.ofSeconds(30), r -> CliProcess.task(r, "slow").get("state").asText()
        .equals("running") && Files.exists(cli.home().resolve("parent1")));
    long orphan = CliProcess.readPid(cli.home().resolve("try1.pid"));
    cli.killOnClose(orphan);
    assertThat(Files.readString(cli.home().resolve("parent1")).trim()).as("no bash between JVM and program")
        .isEqualTo("java");
    first.process.destroyForcibly();
    assertThat(first.waitFor(Duration.ofSeconds(10))).isNotNull();
    assertThat(CliProcess.isAlive(orphan)).as("the task process outlives a SIGKILLed scheduler").isTrue();

    CliProcess.Background second = cli.env("CONTRAIL__SCHEDULER__ZOMBIE_THRESHOLD_MS", "2000").start("standalone");
    second.awaitOutput("Press Ctrl+C to stop.");
    JsonNode run = cli.awaitRun("direct", "r1", Duration.ofSeconds(40),
        r -> r.get("state").asText().matches("success|failed"));
    second.process.destroy();
    assertThat(second.waitFor(Duration.ofSeconds(15))).as("exit of %s", second).isEqualTo(0);

    assertThat(run.get("state").asText()).as("%s\n%s", run.toPrettyString(), second).isEqualTo("success");
    assertThat(CliProcess.task(run, "slow").get("try_number").asInt()).isEqualTo(2);
    assertThat(CliProcess.isAlive(orphan)).as("try 1's process %d after recovery", orphan).isFalse();
    assertThat(Files.readAllLines(marker)).as("starts and ends of the task's tries")
        .containsExactly("start 1", "start 2", "end 2");
    List<TaskAttempt> attempts = attempts(new RunKey("direct", "r1"));
    assertThat(attempts).extracting(TaskAttempt::tryNumber).containsExactly(1, 2);
    assertThat(attempts.get(0).placement().pid()).as("the program itself is try 1's recorded process").isEqualTo(orphan);
    assertThat(attempts.get(0).state()).isEqualTo(TaskState.FAILED);
    assertThat(attempts.get(0).status().error()).contains("stopped heartbeating");
    assertThat(attempts.get(1).state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void sigtermHandsRunningTasksBackForRetry() throws Exception {
    cli.dag("long", """
        dag_id: long
        schedule: null
        paused: false
        start_date: 2026-01-01
        tasks:
          - task_id: sleeps
            type: shell
            command: 'echo $$ > %s/sleeps.pid; sleep 30'
            retries: 1
        """.formatted(cli.home()));
    cli.ok("dags", "trigger", "long", "--run-id", "r1");
    CliProcess.Background standalone = cli.env("CONTRAIL__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT_MS", "1000").start("standalone");
    standalone.awaitOutput("Press Ctrl+C to stop.");
    cli.awaitRun("long", "r1", Duration.ofSeconds(30),
        r -> CliProcess.task(r, "sleeps").get("state").asText().equals("running") && Files.exists(cli.home().resolve("sleeps.pid")));
    long task = CliProcess.readPid(cli.home().resolve("sleeps.pid"));
    cli.killOnClose(task);

    long t0 = System.nanoTime();
    standalone.process.destroy(); // SIGTERM
    Integer exit = standalone.waitFor(Duration.ofSeconds(15));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(exit).as("exit code after SIGTERM\n%s", standalone).isEqualTo(0);
    assertThat(took).as("time to stop with a 1s grace period").isLessThan(Duration.ofSeconds(8));
    assertThat(CliProcess.isAlive(task)).as("task process %d after the scheduler stopped", task).isFalse();
    JsonNode run = cli.showRun("long", "r1");
    assertThat(CliProcess.task(run, "sleeps").get("state").asText()).as("%s", run.toPrettyString())
        .isIn("up_for_retry", "scheduled");
  }

  private List<TaskAttempt> attempts(RunKey key) {
    try (Database db = cli.database()) {
      return Stores.jdbc(db).runs().attempts(key).stream()
          .filter(a -> a.taskId().equals("slow")).toList();
    }
  }
}
