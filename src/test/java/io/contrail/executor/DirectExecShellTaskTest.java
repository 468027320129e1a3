package io.contrail.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shell task whose command needs no shell runs without bash: its program replaces a gate of
 * {@code sh}, so its pid is the try's recorded process, and this JVM stamps its output and records
 * its exit. Everything a user sees — log lines, exit codes, timeouts, environment, folder — is as
 * under bash.
 */
class DirectExecShellTaskTest {
  @TempDir Path home;
  InProcessContrail contrail;

  @AfterEach
  void close() {
    if (contrail != null) {
      contrail.close();
    }
  }

  private DagRun run(String command, String extra) {
    contrail = new InProcessContrail(home).dag("direct.yaml", """
        dag_id: direct
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: t
            type: shell
            command: '%s'
        %s""".formatted(command.replace("'", "''"), extra));
    return contrail.run("direct");
  }

  private TaskAttempt attempt(DagRun run) {
    List<TaskAttempt> attempts = contrail.stores().runs().attempts(run.key());
    assertThat(attempts).hasSize(1);
    return attempts.get(0);
  }

  private List<String> log(TaskAttempt a) throws Exception {
    return Files.readAllLines(TaskLogs.attemptLog(home.resolve("logs"), a.key(), 1));
  }

  @Test
  void linesOfBothStreamsAreStampedAsUnderTheWrapper() throws Exception {
    Path script = home.resolve("dags").resolve("both.sh");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\necho out one\necho err one >&2\nprintf 'no newline'\n");
    script.toFile().setExecutable(true);
    DagRun run = run("./both.sh", "");

    assertThat(run.state()).isEqualTo(RunState.SUCCESS);
    List<String> lines = log(attempt(run));
    String stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z ";
    assertThat(lines).anyMatch(l -> l.matches(stamp + "stdout out one"));
    assertThat(lines).anyMatch(l -> l.matches(stamp + "stderr err one"));
    assertThat(lines).as("a last line without newline gets one").anyMatch(l -> l.matches(stamp + "stdout no newline"));
    assertThat(lines).allMatch(l -> LogLines.parse(l).time() != null, "every line stamped");
  }

  @Test
  void theProgramIsTheRecordedProcessAndNoShellRunsBeforeIt() throws Exception {
    Path script = home.resolve("dags").resolve("who.sh");
    Files.createDirectories(script.getParent());
    // $PPID's command line: under the wrapper it would be bash, under a gate sh; here the JVM itself
    Files.writeString(script, "#!/bin/sh\necho pid=$$ group=$(cut -d' ' -f5 /proc/$$/stat)"
        + " stdin=$(readlink /proc/$$/fd/0) parent=$(tr '\\0' ' ' < /proc/$PPID/cmdline)\n");
    script.toFile().setExecutable(true);
    DagRun run = run("./who.sh", "");

    TaskAttempt a = attempt(run);
    String line = log(a).stream().filter(l -> l.contains("pid=")).findFirst().orElseThrow();
    assertThat(line).contains("pid=" + a.placement().pid() + " ");
    assertThat(line).as("the leader of a process group of its own").contains("group=" + a.placement().pid() + " ");
    assertThat(line).contains("stdin=/dev/null ");
    assertThat(line).doesNotContain("bash").doesNotContain("sh -c").contains("java");
    Path log = TaskLogs.attemptLog(home.resolve("logs"), a.key(), 1);
    assertThat(AttemptExit.recorded(log, null, a.startDate()).orElseThrow().exitCode()).isZero();
  }

  @Test
  void exitCodeIsTheProgramsAndRecordedInTheLogAfterItsOutput() throws Exception {
    DagRun run = run("sh -c \"echo bye; exit 7\"", "");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    TaskAttempt a = attempt(run);
    assertThat(a.status().exitCode()).isEqualTo(7);
    assertThat(a.status().error()).isEqualTo("command exited with code 7");
    Path log = TaskLogs.attemptLog(home.resolve("logs"), a.key(), 1);
    assertThat(Files.readAllLines(log)).filteredOn(l -> l.endsWith(" stdout bye") || l.endsWith(" exit 7"))
        .satisfiesExactly(l -> assertThat(l).endsWith(" stdout bye"),
            l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z exit 7"));
    AttemptExit exit = AttemptExit.recorded(log, null, a.startDate()).orElseThrow();
    assertThat(exit.exitCode()).isEqualTo(7);
    assertThat(exit.endedAt()).isBetween(a.startDate(), a.endDate());
    assertThat(TaskLogs.exitFile(home.resolve("logs"), a.key(), 1)).as("no file of its own").doesNotExist();
  }

  @Test
  void timeoutKillsTheProgram() throws Exception {
    DagRun run = run("sleep 30", "    execution_timeout: 500ms\n");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    TaskAttempt a = attempt(run);
    assertThat(a.status().error()).contains("execution_timeout of 500ms exceeded");
    assertThat(ProcessHandle.of(a.placement().pid()).filter(ProcessControl::isLive)).isEmpty();
  }

  @Test
  void environmentAndFolderAreAsDocumented() throws Exception {
    DagRun run = run("env", "    env: {STAGE: \"raw {{ ds }}\"}\n");

    assertThat(run.state()).isEqualTo(RunState.SUCCESS);
    List<String> vars = log(attempt(run)).stream().map(l -> LogLines.parse(l).text()).collect(Collectors.toList());
    assertThat(vars).contains("STAGE=raw " + run.spec().logicalDate().toString().substring(0, 10),
        "CONTRAIL_DAG_ID=direct", "CONTRAIL_TASK_ID=t", "CONTRAIL_TRY_NUMBER=1", "PWD=" + home.resolve("dags"));
    assertThat(vars).anyMatch(v -> v.startsWith("TRACEPARENT=00-" + run.trace().traceId()));
    TaskAttempt a = attempt(run);
    assertThat(vars).as("how recovery finds the program").contains("CONTRAIL_TRY=job=" + a.placement().jobId()
        + " dag_id=direct run_id=" + run.runId() + " task_id=t try=1");
    assertThat(vars).noneMatch(v -> v.startsWith("CONTRAIL__"));
  }

  @Test
  void unknownProgramGoesToBashWhichSaysSo() throws Exception {
    DagRun run = run("no-such-program-here", "");

    TaskAttempt a = attempt(run);
    assertThat(a.status().exitCode()).isEqualTo(127);
    assertThat(log(a)).anyMatch(l -> l.contains("stderr") && l.contains("no-such-program-here: command not found"));
  }
}
