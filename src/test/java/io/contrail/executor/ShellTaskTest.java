package io.contrail.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.testing.InProcessContrail;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a shell task's wrapper guarantees: the command starts after its try is recorded, leaves its exit status, and takes its children with it. */
class ShellTaskTest {
  @TempDir Path home;
  InProcessContrail contrail;

  @AfterEach
  void close() {
    if (contrail != null) {
      contrail.close();
    }
  }

  private DagRun run(String command) {
    contrail = new InProcessContrail(home).dag("shell.yaml", """
        dag_id: shell
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: t
            type: shell
            command: '%s'
        """.formatted(command.replace("'", "''")));
    return contrail.run("shell");
  }

  private TaskAttempt attempt(DagRun run) {
    List<TaskAttempt> attempts = contrail.stores().runs().attempts(run.key());
    assertThat(attempts).hasSize(1);
    return attempts.get(0);
  }

  @Test
  void backgroundChildIsGoneWhenTheTryEnds() throws Exception {
    DagRun run = run("sleep 200 & echo $! > " + home.resolve("bg.pid") + "; echo started it");

    assertThat(run.state()).isEqualTo(RunState.SUCCESS);
    long child = Long.parseLong(Files.readString(home.resolve("bg.pid")).trim());
    // SIGKILL reached it before the try was recorded; allow the kernel a moment to reap it
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (ProcessHandle.of(child).filter(ProcessControl::isLive).isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(ProcessHandle.of(child).filter(ProcessControl::isLive))
        .as("the background sleep %d after its try ended", child).isEmpty();
    TaskAttempt a = attempt(run);
    assertThat(a.status().exitCode()).isZero();
    Path log = TaskLogs.attemptLog(home.resolve("logs"), a.key(), 1);
    assertThat(Files.readString(log)).contains("started it").contains("[contrail] succeeded");
  }

  @Test
  void exitStatusAndEndTimeAreRecordedInTheLogAndNoFileBesideIt() throws Exception {
    DagRun run = run("echo failing; exit 3");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    TaskAttempt a = attempt(run);
    assertThat(a.status().exitCode()).as("the command's code, not the wrapper's own end").isEqualTo(3);
    assertThat(a.status().error()).isEqualTo("command exited with code 3");
    Path log = TaskLogs.attemptLog(home.resolve("logs"), a.key(), 1);
    String exitLine = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z exit 3";
    assertThat(Files.readAllLines(log)).as("the exit line comes after the command's output")
        .filteredOn(l -> l.endsWith(" stdout failing") || l.matches(exitLine))
        .satisfiesExactly(l -> assertThat(l).endsWith(" stdout failing"), l -> assertThat(l).matches(exitLine));
    AttemptExit recorded = AttemptExit.recorded(log, null, a.startDate()).orElseThrow();
    assertThat(recorded.exitCode()).isEqualTo(3);
    assertThat(recorded.endedAt()).isBetween(a.startDate(), a.endDate());
    assertThat(TaskLogs.exitFile(home.resolve("logs"), a.key(), 1)).as("no file of its own").doesNotExist();
    try (var files = Files.list(log.getParent())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("attempt=1.log");
    }
  }

  @Test
  void commandStartsOnlyOnceItsTryIsRecordedRunningWithItsProcess() throws Exception {
    Path started = home.resolve("started");
    DagRun run = run("echo $EPOCHREALTIME $$ $# > " + started);

    assertThat(run.state()).isEqualTo(RunState.SUCCESS);
    String[] seen = Files.readString(started).trim().split(" ");
    BigDecimal s = new BigDecimal(seen[0]);
    Instant commandStart = Instant.ofEpochSecond(s.longValue(), s.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    TaskAttempt a = attempt(run);
    assertThat(commandStart).as("the command ran after the try was stored as running").isAfterOrEqualTo(a.startDate());
    assertThat(Long.parseLong(seen[1])).as("$$ is the try's process, as recorded").isEqualTo(a.placement().pid());
    assertThat(seen[2]).as("no positional parameters reach the command").isEqualTo("0");
    TaskInstance ti = contrail.stores().runs().taskInstances(run.key()).get(0);
    assertThat(ti.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(ti.lease().process().startedAt()).as("the leader's start time, stored with its pid").isNotNull();
  }
}
