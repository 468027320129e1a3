package io.contrail.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts shell commands in their own process group ({@code setsid}) and kills whole trees: the
 * group by signal, then every descendant still known to the JVM, so a timed-out task leaves no
 * grandchildren behind.
 */
public final class ProcessControl {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessControl.class);
  private static final boolean HAS_SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"))
      || Files.isExecutable(Path.of("/bin/setsid"));

  private ProcessControl() {}

  /** argv running {@code command} with bash in a new session (process group = its pid). */
  static List<String> shellCommand(String command) {
    return HAS_SETSID ? List.of("setsid", "bash", "-c", command) : List.of("bash", "-c", command);
  }

  /** Terminates the group led by {@code pid} and its descendants: TERM, a short wait, then KILL. */
  public static void kill(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    List<ProcessHandle> descendants = handle.map(h -> h.descendants().toList()).orElse(List.of());
    signalGroup(pid, "TERM");
    handle.ifPresent(ProcessHandle::destroy);
    descendants.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < deadline && (handle.map(ProcessHandle::isAlive).orElse(false)
        || descendants.stream().anyMatch(ProcessHandle::isAlive))) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    signalGroup(pid, "KILL");
    handle.ifPresent(ProcessHandle::destroyForcibly);
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** True when a process with this pid is alive on this host. */
  public static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void signalGroup(long pid, String signal) {
    if (!HAS_SETSID) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, "--", "-" + pid)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("kill -{} -{} failed: {}", signal, pid, e.toString());
    }
  }
}
