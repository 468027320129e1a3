package io.contrail.executor;

import io.contrail.run.ProcessIdentity;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts shell tasks in their own process group ({@code setsid}) and kills whole groups, but only
 * groups that are provably a task's own: the leader must be the very process that was started
 * (pid and start time, {@link ProcessIdentity}), and once the leader is gone only members that
 * started after it are signalled. Signals go through {@link ProcessHandle}, which checks the start
 * time again itself, so a pid the kernel reused for an unrelated process is never killed.
 * Members are found in {@code /proc} (process group of each process), so a background child of
 * a task ({@code sleep 200 &}) dies with its try even after the task's bash was killed.
 */
public final class ProcessControl {
  private static final Path PROC = Path.of("/proc");
  static final boolean HAS_SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"))
      || Files.isExecutable(Path.of("/bin/setsid"));
  private static final Duration FORCE_WAIT = Duration.ofSeconds(2);

  /** What {@link #killGroup} found. */
  public enum Kill {
    /** The group's processes were signalled and are gone. */
    KILLED,
    /** Nothing of the group was left. */
    GONE,
    /** The pid belongs to a different process now: nothing was touched. */
    NOT_OURS
  }

  private ProcessControl() {}

  /**
   * The variable every process of a shell try gets (and its children inherit), naming the try and
   * the job that runs it: how a recovering scheduler finds a directly executed program whose pid
   * was not recorded ({@link #withTryVariable}).
   */
  public static final String TRY_VARIABLE = "CONTRAIL_TRY";

  /** The value of {@link #TRY_VARIABLE} for try {@code tryNumber} of the task instance, run by job {@code jobId}. */
  public static String tryValue(io.contrail.run.TaskInstanceKey key, int tryNumber, long jobId) {
    return "job=" + jobId + " dag_id=" + key.dagId() + " run_id=" + key.runId() + " task_id=" + key.taskId()
        + " try=" + tryNumber;
  }

  /**
   * argv running {@code program} in a new session (process group = its pid), without a shell;
   * without setsid, in this JVM's group.
   */
  static List<String> inNewSession(List<String> program) {
    List<String> argv = new ArrayList<>(HAS_SETSID ? List.of("setsid") : List.of());
    argv.addAll(program);
    return argv;
  }

  /**
   * The live processes (of this user: others' environments cannot be read) whose environment
   * holds {@code value} in {@link #TRY_VARIABLE}: a try's program and whatever it started that kept
   * its environment (the value names the job, so no other run of the try matches). A scan of
   * /proc, for recovery only; empty without /proc.
   */
  public static List<ProcessHandle> withTryVariable(String value) {
    byte[] wanted = (TRY_VARIABLE + "=" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<ProcessHandle> out = new ArrayList<>();
    if (!Files.isDirectory(PROC.resolve("self"))) {
      return out;
    }
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (pid == self || !holds(dir.resolve("environ"), wanted)) {
          continue;
        }
        ProcessHandle.of(pid).filter(ProcessControl::isLive).ifPresent(out::add);
      }
    } catch (IOException e) {
      // /proc went away under us: nothing more can be found
    }
    return out;
  }

  /** Whether the NUL-separated environment file holds the entry {@code wanted}. */
  private static boolean holds(Path environ, byte[] wanted) {
    byte[] env;
    try {
      env = Files.readAllBytes(environ);
    } catch (IOException | SecurityException e) {
      return false; // gone, or another user's
    }
    outer:
    for (int i = 0; i + wanted.length <= env.length; i++) {
      if (i > 0 && env[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < wanted.length; j++) {
        if (env[i + j] != wanted[j]) {
          continue outer;
        }
      }
      if (i + wanted.length == env.length || env[i + wanted.length] == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * argv running {@code script} with bash in a new session (process group = its pid), with
   * {@code args} as $1, $2 ...
   */
  static List<String> shell(String script, String... args) {
    List<String> argv = new ArrayList<>(HAS_SETSID ? List.of("setsid", "bash", "-c", script, "bash")
        : List.of("bash", "-c", script, "bash"));
    argv.addAll(List.of(args));
    return argv;
  }

  /**
   * Terminates the process group led by {@code leader} — TERM, up to {@code grace} to exit, then
   * KILL — if the leader is still that process, or, when the leader is gone, the members left in
   * its group that started after it. Returns once they are gone (or after KILL and a short wait).
   */
  public static Kill killGroup(ProcessIdentity leader, Duration grace) {
    Optional<ProcessHandle> handle = ProcessHandle.of(leader.pid()).filter(ProcessControl::isLive);
    if (handle.isPresent() && !leader.isSameAs(handle.get())) {
      return Kill.NOT_OURS;
    }
    List<ProcessHandle> targets = members(leader);
    handle.ifPresent(h -> h.descendants().filter(ProcessControl::isLive).forEach(d -> add(targets, d)));
    if (targets.isEmpty()) {
      return Kill.GONE;
    }
    targets.forEach(ProcessHandle::destroy);
    awaitGone(targets, grace);
    List<ProcessHandle> left = members(leader);
    targets.stream().filter(ProcessControl::isLive).forEach(t -> add(left, t));
    left.forEach(ProcessHandle::destroyForcibly);
    awaitGone(left, FORCE_WAIT);
    return Kill.KILLED;
  }

  /** Whether any process of the group led by {@code leader} is still alive. */
  public static boolean groupAlive(ProcessIdentity leader) {
    Optional<ProcessHandle> handle = ProcessHandle.of(leader.pid()).filter(ProcessControl::isLive);
    if (handle.isPresent()) {
      return leader.isSameAs(handle.get());
    }
    return !members(leader).isEmpty();
  }

  /**
   * The live processes in the group whose id is the leader's pid that started no earlier than the
   * leader (anything older cannot be its descendant). Without /proc: the leader itself, if alive.
   */
  static List<ProcessHandle> members(ProcessIdentity leader) {
    List<ProcessHandle> out = new ArrayList<>();
    if (!Files.isDirectory(PROC.resolve("self"))) {
      ProcessHandle.of(leader.pid()).filter(ProcessControl::isLive).filter(leader::isSameAs).ifPresent(out::add);
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        Stat stat = stat(dir.resolve("stat"));
        if (stat == null || stat.pgid() != leader.pid() || stat.gone()) {
          continue;
        }
        ProcessHandle.of(stat.pid()).filter(h -> startedSince(h, leader.startedAt())).ifPresent(out::add);
      }
    } catch (IOException e) {
      // /proc went away under us: nothing more can be found
    }
    return out;
  }

  /** Alive and not a zombie (a killed child whose parent has not reaped it yet counts as gone). */
  public static boolean isLive(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    if (!Files.isDirectory(PROC.resolve("self"))) {
      return true; // no /proc: isAlive is all there is to go by
    }
    Stat stat = stat(PROC.resolve(String.valueOf(h.pid())).resolve("stat"));
    return stat != null && !stat.gone();
  }

  private static boolean startedSince(ProcessHandle h, Instant leaderStart) {
    if (leaderStart == null) {
      return false; // without the leader's start time nothing in the group can be proven ours
    }
    Optional<Instant> start = h.info().startInstant();
    return start.isPresent() && !start.get().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).isBefore(leaderStart);
  }

  private static void add(List<ProcessHandle> list, ProcessHandle h) {
    if (list.stream().noneMatch(x -> x.pid() == h.pid())) {
      list.add(h);
    }
  }

  private static void awaitGone(List<ProcessHandle> processes, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessControl::isLive)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The fields of /proc/PID/stat this class needs: state and process group. */
  private record Stat(long pid, char state, long pgid) {
    boolean gone() {
      return state == 'Z' || state == 'X';
    }
  }

  private static Stat stat(Path file) {
    try {
      String s = Files.readString(file);
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut at the last ')'
      int close = s.lastIndexOf(')');
      String[] f = s.substring(close + 2).split(" ");
      return new Stat(Long.parseLong(s.substring(0, s.indexOf(' '))), f[0].charAt(0), Long.parseLong(f[2]));
    } catch (IOException | RuntimeException e) {
      return null; // the process exited meanwhile (NoSuchFileException), or an unexpected format
    }
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
