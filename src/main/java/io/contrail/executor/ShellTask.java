package io.contrail.executor;

import io.contrail.api.ShellSpec;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A {@code type: shell} task: bash runs the rendered command in its own process group, with
 * output appended to the attempt's log. Exit code 0 is success.
 */
final class ShellTask implements TaskBody<ShellSpec> {
  @Override
  public Outcome run(AttemptContext ctx, ShellSpec spec) throws InterruptedException {
    String command = ctx.render(spec.command());
    ctx.log().println("[contrail] $ " + command);
    ctx.log().flush();
    ProcessBuilder pb = new ProcessBuilder(ProcessControl.shellCommand(command))
        .directory(ctx.workingDir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(ctx.logFile().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(ctx.env());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      return Outcome.failed(null, "cannot start bash: " + e.getMessage());
    }
    ctx.onProcessStarted().accept(process.pid());
    try {
      boolean done = ctx.timeout() == null
          ? waitForever(process)
          : process.waitFor(ctx.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        ProcessControl.kill(process.pid());
        return Outcome.failed(null, "execution_timeout of " + Durations.format(ctx.timeout())
            + " exceeded; the task's process tree was killed");
      }
    } catch (InterruptedException e) {
      ProcessControl.kill(process.pid());
      throw e;
    }
    int code = process.exitValue();
    return code == 0 ? Outcome.ok(code) : Outcome.failed(code, "command exited with code " + code);
  }

  private static boolean waitForever(Process p) throws InterruptedException {
    p.waitFor();
    return true;
  }
}
