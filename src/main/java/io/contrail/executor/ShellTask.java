package io.contrail.executor;

import io.contrail.api.ShellSpec;
import io.contrail.run.ProcessIdentity;
import io.contrail.security.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
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
 * the exit line at the log's end, {@link AttemptExit}). It is therefore stored as the task printed it and masked where it is
 * read ({@code tasks logs}, the OTel log export); the lines Contrail writes itself (the command
 * line, errors) are masked on their way in.
 *
 * <p>The wrapper waits on its stdin until the try is recorded as running with the wrapper's pid
 * and start time, so no command runs before a recovering scheduler could identify (and kill) its
 * process, and none runs at all when another process took the try over meanwhile. When the
 * command exits the wrapper appends its exit status and end time to the log ({@link AttemptExit},
 * read by a scheduler that recovers the try after a crash) and kills the rest of its process
 * group, so no background child outlives the try. If the leader dies without doing so (killed from
 * outside), the executor kills what is left of the group before it records the try.
 *
 * <p>A command that needs no shell ({@link SimpleCommand}; {@code [core] shell_direct_exec}) runs
 * without one: the try is recorded running first, then the program starts in a session of its
 * own, its output stamped by this JVM ({@link OutputPump}) and its exit recorded in the log by
 * this JVM. Such a try does not survive its scheduler's crash: recovery finds its processes by
 * the try's variable in their environment ({@link ProcessControl#TRY_VARIABLE}), kills them and
 * retries the try (a try that ended before the crash is still adopted from its exit line).
 */
final class ShellTask implements TaskBody<ShellSpec> {
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);
  // $1: the command. Variables carry a prefix so they cannot meet the command's.
  // The command's stdout and stderr go through one stamper each (see LogLines), which append to
  // the log; the wrapper waits for them to drain before it records the exit, at most a second
  // when a background child still holds the output (it is killed with the group right after).
  private static final String WRAPPER = LogLines.BASH_STAMPER + """
      __contrail_command=$1
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
      """ + LogLines.BASH_EXIT_LINE + (ProcessControl.HAS_SETSID ? "kill -KILL 0\n" : "exit \"$__contrail_status\"\n");

  private static final Duration DRAIN_WAIT = Duration.ofSeconds(1);
  private static final java.io.File DEV_NULL = new java.io.File("/dev/null");

  private final boolean directExec;

  /** @param directExec run commands that need no shell ({@link SimpleCommand}) without bash */
  ShellTask(boolean directExec) {
    this.directExec = directExec;
  }

  @Override
  public boolean startsProcess() {
    return true;
  }

  @Override
  public Outcome run(AttemptContext ctx, ShellSpec spec) throws InterruptedException {
    String command = ctx.render(spec.command());
    ProcessBuilder pb = new ProcessBuilder().directory(ctx.workingDir().toFile());
    withoutContrailSettings(pb.environment());
    pb.environment().putAll(ctx.env());
    Optional<List<String>> argv = directExec ? SimpleCommand.argv(command, pb.environment(), ctx.workingDir())
        : Optional.empty();
    if (argv.isPresent()) {
      return runDirect(ctx, command, argv.get(), pb);
    }
    pb.command(ProcessControl.shell(WRAPPER, command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(ctx.logFile().toFile()));
    Started started;
    Instant launched = Instant.now().truncatedTo(ChronoUnit.MICROS);
    try {
      started = start(ctx, command, pb);
    } catch (NotStarted e) {
      return e.outcome("bash");
    }
    Process process = started.process();
    ProcessIdentity leader = started.leader();
    Outcome failed = awaitExit(ctx, process, leader);
    if (failed != null) {
      return failed;
    }
    Optional<AttemptExit> exit = AttemptExit.recorded(ctx.logFile(), null, launched);
    if (exit.isEmpty()) {
      // the wrapper was killed before it could record the exit and clean up: kill what is left
      ProcessControl.killGroup(leader, KILL_GRACE);
      int value = process.exitValue();
      return Outcome.failed(value, "the task's process (pid " + leader.pid() + ") ended without recording an"
          + " exit status" + (value > 128 ? " (killed by signal " + (value - 128) + ")" : "")
          + "; its process group was killed");
    }
    return outcome(exit.get().exitCode());
  }

  /**
   * A command that needs no shell: the try is recorded running, then the program starts as it
   * is, the leader of a session of its own ({@code setsid}) with stdin from /dev/null, no shell in
   * between; its stdout and stderr are stamped into the log by this JVM ({@link OutputPump}), and
   * this JVM appends its exit line to the log once the output is in, as the wrapper does. Its pid
   * is recorded with the attempt when it ends; until then a recovering scheduler finds it by the
   * try's {@link ProcessControl#TRY_VARIABLE} in its environment.
   */
  private Outcome runDirect(AttemptContext ctx, String command, List<String> argv, ProcessBuilder pb)
      throws InterruptedException {
    // there is no gate to hold the program back, so the try is recorded running before it starts
    if (!ctx.claim().test(null)) {
      return null;
    }
    pb.command(ProcessControl.inNewSession(argv)).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    pb.environment().put("PWD", ctx.workingDir().toString()); // as a shell would set it
    pb.environment().put(ProcessControl.TRY_VARIABLE,
        ProcessControl.tryValue(ctx.ti().key(), ctx.ti().tryNumber(), ctx.ti().lease().jobId()));
    OutputStream log;
    try {
      log = PrivateFiles.append(ctx.logFile());
    } catch (IOException e) {
      return Outcome.failed(null, "cannot write the attempt's log: " + e.getMessage());
    }
    try (log) {
      ctx.log().println("[contrail] $ " + command);
      ctx.log().flush();
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        return Outcome.failed(null, "cannot start " + argv.get(0) + ": " + e.getMessage());
      }
      ProcessIdentity leader = ProcessIdentity.of(process.toHandle());
      if (!ctx.claim().test(leader)) {
        // stopped (a user changed the task instance, or the owner was declared dead) as it started
        ProcessControl.killGroup(leader, KILL_GRACE);
        return null;
      }
      Clock clock = Clock.systemUTC();
      Future<?> out = OutputPump.start(process.getInputStream(), LogLines.Stream.STDOUT, log, clock);
      Future<?> err = OutputPump.start(process.getErrorStream(), LogLines.Stream.STDERR, log, clock);
      Outcome failed = awaitExit(ctx, process, leader);
      if (failed != null) {
        drained(out, err, DRAIN_WAIT);
        return failed;
      }
      int code = process.exitValue();
      Instant ended = clock.instant();
      if (!drained(out, err, DRAIN_WAIT)) {
        // a background child still holds the output: it goes with the rest of the group, as under the wrapper
        ProcessControl.killGroup(leader, KILL_GRACE);
        drained(out, err, DRAIN_WAIT);
      }
      try {
        synchronized (log) {
          log.write(LogLines.exitLine(ended, code).getBytes(StandardCharsets.US_ASCII));
        }
      } catch (IOException e) {
        ctx.log().println("[contrail] cannot record the exit status in the log: " + e.getMessage());
      }
      return outcome(code);
    } catch (IOException e) {
      return null; // closing the log failed: nothing was lost that a reader could still get
    }
  }

  /**
   * Starts the process, records the try as running with it and opens its gate; {@link NotStarted}
   * when it could not start or the try is not ours (the process then told to go away ungated).
   */
  private static Started start(AttemptContext ctx, String command, ProcessBuilder pb)
      throws InterruptedException, NotStarted {
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new NotStarted(ctx.claim().test(null), e.getMessage());
    }
    ProcessIdentity leader = ProcessIdentity.of(process.toHandle());
    if (!ctx.claim().test(leader)) {
      // the try is not ours (any more): the gate reads end-of-input and exits without running it
      closeQuietly(process);
      process.waitFor(5, TimeUnit.SECONDS);
      throw new NotStarted(false, null);
    }
    ctx.log().println("[contrail] $ " + command);
    ctx.log().flush();
    try (OutputStream gate = process.getOutputStream()) {
      gate.write("go\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the process is gone already; its exit status says how
    }
    return new Started(process, leader);
  }

  /** A started, claimed process and its identity (read once: ProcessHandle.info reads several /proc files). */
  private record Started(Process process, ProcessIdentity leader) {}

  /** Waits for the leader within the timeout; the failed outcome when it had to be killed. */
  private static Outcome awaitExit(AttemptContext ctx, Process process, ProcessIdentity leader)
      throws InterruptedException {
    try {
      boolean done = ctx.timeout() == null
          ? waitForever(process)
          : process.waitFor(ctx.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        ProcessControl.killGroup(leader, KILL_GRACE);
        return Outcome.failed(null, "execution_timeout of " + Durations.format(ctx.timeout())
            + " exceeded; the task's process tree was killed");
      }
      return null;
    } catch (InterruptedException e) {
      ProcessControl.killGroup(leader, KILL_GRACE);
      throw e;
    }
  }

  private static Outcome outcome(int code) {
    return code == 0 ? Outcome.ok(code) : Outcome.failed(code, "command exited with code " + code);
  }

  private static boolean drained(Future<?> out, Future<?> err, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      out.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      err.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true; // a pump that failed has stopped reading
    }
  }

  /** Out of {@link #start}: the process could not start (the try recorded failed if ours), or the try is not ours. */
  private static final class NotStarted extends Exception {
    private final boolean ours;

    NotStarted(boolean ours, String reason) {
      super(reason, null, false, false);
      this.ours = ours;
    }

    /** The try's outcome: failed, or null when it is not this executor's. */
    Outcome outcome(String what) {
      return ours ? Outcome.failed(null, "cannot start " + what + ": " + getMessage()) : null;
    }
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
