package io.contrail.executor;

import io.contrail.api.ShellSpec;
import io.contrail.run.ProcessIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code type: shell} task: a small bash wrapper, leader of its own process group, runs the
 * rendered command with output appended to the attempt's log, each line stamped with its time and
 * stream ({@link LogLines}). Exit code 0 is success. The process
 * gets Contrail's environment without the {@code CONTRAIL__*} settings (the database URL and
 * password among them) plus the task's own variables.
 *
 * <p>The task's output goes straight into the log file, not through this JVM, so it is all there
 * even when the scheduler crashed meanwhile (a recovering scheduler adopts the finished try from
 * the log and exit file). It is therefore stored as the task printed it and masked where it is
 * read ({@code tasks logs}, the OTel log export); the lines Contrail writes itself (the command
 * line, errors) are masked on their way in.
 *
 * <p>The wrapper waits on its stdin until the try is recorded as running with the wrapper's pid
 * and start time, so no command runs before a recovering scheduler could identify (and kill) its
 * process, and none runs at all when another process took the try over meanwhile. When the
 * command exits the wrapper writes its exit status and end time to {@code attempt=N.exit} (read
 * by a scheduler that recovers the try after a crash) and kills the rest of its process group, so
 * no background child outlives the try. If the leader dies without doing so (killed from
 * outside), the executor kills what is left of the group before it records the try.
 */
final class ShellTask implements TaskBody<ShellSpec> {
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);
  // $1: the exit file, $2: the command. Variables carry a prefix so they cannot meet the command's.
  // The command's stdout and stderr go through one stamper each (see LogLines), which append to
  // the log; the wrapper waits for them to drain before it records the exit, at most a second
  // when a background child still holds the output (it is killed with the group right after).
  private static final String WRAPPER = LogLines.BASH_STAMPER + """
      __contrail_exit=$1 __contrail_command=$2
      set --
      IFS= read -r __contrail_gate && [ "$__contrail_gate" = go ] || exit 0
      exec 3> >(__contrail_stamp stdout); __contrail_out=$!
      exec 4> >(exec 3>&-; __contrail_stamp stderr); __contrail_err=$!
      ( eval "$__contrail_command" ) </dev/null >&3 2>&4 3>&- 4>&-
      __contrail_status=$?
      exec 3>&- 4>&-
      ( sleep 1; kill "$__contrail_out" "$__contrail_err" ) 2>/dev/null & __contrail_watch=$!
      wait "$__contrail_out" "$__contrail_err"
      kill "$__contrail_watch" 2>/dev/null
      (umask 077; printf 'exit_code=%d ended_at=%s\\n' "$__contrail_status" "$EPOCHREALTIME" > "$__contrail_exit")
      """ + (ProcessControl.HAS_SETSID ? "kill -KILL 0\n" : "exit \"$__contrail_status\"\n");

  @Override
  public boolean startsProcess() {
    return true;
  }

  @Override
  public Outcome run(AttemptContext ctx, ShellSpec spec) throws InterruptedException {
    String command = ctx.render(spec.command());
    ProcessBuilder pb = new ProcessBuilder(ProcessControl.shell(WRAPPER, ctx.exitFile().toString(), command))
        .directory(ctx.workingDir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(ctx.logFile().toFile()));
    withoutContrailSettings(pb.environment());
    pb.environment().putAll(ctx.env());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      if (!ctx.claim().test(null)) {
        return null;
      }
      return Outcome.failed(null, "cannot start bash: " + e.getMessage());
    }
    ProcessIdentity leader = ProcessIdentity.of(process.toHandle());
    if (!ctx.claim().test(leader)) {
      // the try is not ours (any more): the wrapper reads end-of-input and exits without running it
      closeQuietly(process);
      process.waitFor(5, TimeUnit.SECONDS);
      return null;
    }
    ctx.log().println("[contrail] $ " + command);
    ctx.log().flush();
    try (OutputStream gate = process.getOutputStream()) {
      gate.write("go\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the wrapper is gone already; its exit status below says how
    }
    try {
      boolean done = ctx.timeout() == null
          ? waitForever(process)
          : process.waitFor(ctx.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        ProcessControl.killGroup(leader, KILL_GRACE);
        return Outcome.failed(null, "execution_timeout of " + Durations.format(ctx.timeout())
            + " exceeded; the task's process tree was killed");
      }
    } catch (InterruptedException e) {
      ProcessControl.killGroup(leader, KILL_GRACE);
      throw e;
    }
    Optional<AttemptExit> exit = AttemptExit.read(ctx.exitFile());
    if (exit.isEmpty()) {
      // the wrapper was killed before it could record the exit and clean up: kill what is left
      ProcessControl.killGroup(leader, KILL_GRACE);
      int value = process.exitValue();
      return Outcome.failed(value, "the task's process (pid " + leader.pid() + ") ended without recording an"
          + " exit status" + (value > 128 ? " (killed by signal " + (value - 128) + ")" : "")
          + "; its process group was killed");
    }
    int code = exit.get().exitCode();
    return code == 0 ? Outcome.ok(code) : Outcome.failed(code, "command exited with code " + code);
  }

  /** The variables that configure Contrail itself are not the task's business. */
  static void withoutContrailSettings(Map<String, String> env) {
    env.keySet().removeIf(name -> name.startsWith("CONTRAIL__"));
  }

  private static void closeQuietly(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static boolean waitForever(Process p) throws InterruptedException {
    p.waitFor();
    return true;
  }
}
