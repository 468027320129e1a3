package io.contrail.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Emulates PID reuse: starts a process that gets a given pid, by writing the pid before it to
 * {@code /proc/sys/kernel/ns_last_pid} (root only) just before the fork. Other processes of the
 * machine may fork in between, so it tries a few times; a test skips with {@link #unavailable}'s
 * reason when it cannot be done here.
 */
public final class PidReuse {
  private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

  private PidReuse() {}

  /** Why PID reuse cannot be emulated on this machine, or empty when it can. */
  public static Optional<String> unavailable() {
    if (!Files.exists(LAST_PID)) {
      return Optional.of(LAST_PID + " does not exist (not Linux, or a kernel without it)");
    }
    if (!Files.isWritable(LAST_PID) || !"root".equals(System.getProperty("user.name"))) {
      return Optional.of("writing " + LAST_PID + " needs root; running as " + System.getProperty("user.name"));
    }
    return Optional.empty();
  }

  /** Starts {@code command} with pid {@code pid}, or returns empty after a few lost races. */
  public static Optional<Process> startWithPid(long pid, List<String> command) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      Files.writeString(LAST_PID, Long.toString(pid - 1));
      Process p = new ProcessBuilder(command).start();
      if (p.pid() == pid) {
        return Optional.of(p);
      }
      p.destroyForcibly();
    }
    return Optional.empty();
  }
}
