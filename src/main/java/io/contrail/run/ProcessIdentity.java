package io.contrail.run;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * One operating-system process, told apart from a later process that happens to get the same pid
 * by its start time ({@code ProcessHandle.Info.startInstant}, millisecond precision). A recovering
 * scheduler kills a leftover process only when the pid is alive <em>and</em> started at this
 * instant, so a pid the kernel handed to an unrelated process since is never touched.
 *
 * @param startedAt when the process started, or null where the platform cannot tell
 */
public record ProcessIdentity(long pid, Instant startedAt) {
  public ProcessIdentity {
    startedAt = startedAt == null ? null : startedAt.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The identity of a live process handle (its start time as the kernel reports it). */
  public static ProcessIdentity of(ProcessHandle process) {
    return new ProcessIdentity(process.pid(), process.info().startInstant().orElse(null));
  }

  /** This JVM. */
  public static ProcessIdentity current() {
    return of(ProcessHandle.current());
  }

  /** The live process this identity names, if it is still running (same pid, same start time). */
  public Optional<ProcessHandle> find() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isSameAs);
  }

  /** Whether {@code process} is this process and not a later one with the same pid. */
  public boolean isSameAs(ProcessHandle process) {
    if (process.pid() != pid) {
      return false;
    }
    Optional<Instant> start = process.info().startInstant();
    // without a start time on either side nothing can be proven: treat as a different process
    return startedAt != null && start.isPresent()
        && Objects.equals(start.get().truncatedTo(ChronoUnit.MILLIS), startedAt);
  }

  @Override
  public String toString() {
    return "pid " + pid + (startedAt == null ? "" : " started " + startedAt);
  }
}
