package io.contrail.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer server started by a test, its stdout and stderr in one log file (no pipe to fill up),
 * waited for until it is ready and stopped with SIGTERM (then SIGKILL) when the test is done.
 */
final class LoggedProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private LoggedProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command}, then waits up to {@code timeout} for {@code ready}; fails with the log if it exits or times out. */
  static LoggedProcess start(List<String> command, Path log, Duration timeout, Predicate<LoggedProcess> ready) {
    LoggedProcess p;
    try {
      p = new LoggedProcess(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.test(p)) {
      if (!p.process.isAlive() || System.nanoTime() > deadline) {
        p.close();
        throw new IllegalStateException(String.join(" ", command) + " did not become ready within " + timeout
            + ":\n" + p.log());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.close();
        throw new IllegalStateException(e);
      }
    }
    return p;
  }

  /** Everything the process printed so far. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
