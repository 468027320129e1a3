package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.executor.AttemptExit;
import io.contrail.executor.CallbackRequests;
import io.contrail.executor.Executor;
import io.contrail.executor.LogLines;
import io.contrail.executor.ProcessControl;
import io.contrail.executor.TaskLogs;
import io.contrail.jobs.JobLease;
import io.contrail.run.AttemptStatus;
import io.contrail.run.CallbackRequest;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.Job;
import io.contrail.storage.JobStore;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers the task instances of jobs declared dead. On the loop it only reads: jobs whose
 * heartbeat is older than zombie_threshold are marked failed (and only while this process's own
 * heartbeat has been healthy, see {@link JobLease#mayDeclareOthersDead}), and every queued or
 * running task instance of a job no longer running is handed to a small pool of recovery
 * threads, so killing leftovers never holds up the loop or the heartbeat.
 *
 * <p>The rule: a try is recorded (and so may be retried) only when its owner is dead and its
 * process is gone or killed. A queued try never started: back to scheduled, the try not used. A
 * running shell try on this host has its process group killed — only if the group's leader is the
 * very process that was started — and then its real outcome is recorded: the exit status its
 * wrapper wrote to the end of its log (success stays success, with its real end time), or
 * failed when the process left none. A try that ran inside the dead job's JVM (noop, sleep, http,
 * java) died with that JVM: failed, unless the JVM is still alive (stopped, say), which resolves
 * it itself when it resumes. A try on another host is left to a process on that host. Each
 * change is a compare-and-set on the row as read, so it happens once however many schedulers
 * recover at the same time. Schedulers run it, and so do distributed workers: a worker recovers
 * the tries of dead jobs on its own host, its own earlier job's included.
 */
public final class ZombieReaper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZombieReaper.class);
  private static final int THREADS = 4;
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private static final String SHELL = "shell";
  private final RunStore runs;
  private final JobStore jobs;
  private final Clock clock;
  private final Telemetry telemetry;
  private final String hostname;
  private final Path logsRoot;
  private final Function<String, Optional<Dag>> dags;
  private final Consumer<RunKey> wake;
  private final JobLease lease;
  private final Executor executor;
  private final ExecutorService pool;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<String> leftAlone = ConcurrentHashMap.newKeySet();

  public ZombieReaper(RunStore runs, JobStore jobs, Clock clock, Telemetry telemetry, String hostname, Path logsRoot,
      Function<String, Optional<Dag>> dags, Consumer<RunKey> wake, JobLease lease, Executor executor) {
    this.runs = runs;
    this.jobs = jobs;
    this.clock = clock;
    this.telemetry = telemetry;
    this.hostname = hostname;
    this.logsRoot = logsRoot;
    this.dags = dags;
    this.wake = wake;
    this.lease = lease;
    this.executor = executor;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "contrail-recovery-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
  }

  /** Declares silent jobs dead and hands their task instances to the recovery threads. */
  public void recover(Duration threshold) {
    long own = lease.jobId();
    Instant now = clock.instant();
    if (lease.mayDeclareOthersDead()) {
      for (Job stale : jobs.staleJobs(now.minus(threshold))) {
        if (stale.id() != own && jobs.markFailed(stale.id(), now)) {
          LOG.warn("{} job {} on {} (pid {}) has not heartbeated since {}: declared dead, recovering its tasks",
              stale.jobType(), stale.id(), stale.hostname(), stale.pid(), stale.latestHeartbeat());
        }
      }
    }
    Map<Long, Optional<Job>> owners = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (TaskInstance ti : runs.taskInstancesInStates(List.of(TaskState.QUEUED, TaskState.RUNNING,
        TaskState.RESTARTING))) {
      Long jobId = ti.lease().jobId();
      if (jobId == null || jobId == own) {
        continue;
      }
      Optional<Job> owner = owners.computeIfAbsent(jobId, jobs::find);
      if (owner.isPresent() && owner.get().isRunning()) {
        continue;
      }
      String id = ti.key() + "#" + ti.tryNumber();
      seen.add(id);
      if (inFlight.add(id)) {
        try {
          pool.execute(() -> {
            try {
              recoverTask(ti, owner.orElse(null));
            } catch (RuntimeException e) {
              LOG.error("recovering {} try {} failed; the next pass retries", ti.key(), ti.tryNumber(), e);
            } finally {
              inFlight.remove(id);
            }
          });
        } catch (RejectedExecutionException e) {
          inFlight.remove(id); // shutting down
        }
      }
    }
    leftAlone.retainAll(seen);
  }

  /** Waits up to {@code timeout} for recoveries under way, for tests that step the scheduler. */
  void awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    // let a recovery in progress finish its writes: an interrupt inside H2's file I/O closes the database
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void recoverTask(TaskInstance ti, Job owner) {
    long own = lease.jobId();
    if (lease.lost()) {
      return;
    }
    String who = owner == null ? "job " + ti.lease().jobId()
        : owner.jobType() + " job " + owner.id() + " on " + owner.hostname() + " (pid " + owner.pid() + ")";
    if (ti.state() == TaskState.QUEUED) {
      if (runs.update(TaskChange.of(ti, ti.toHandedBack()).by(own))) {
        LOG.warn("{} was queued by {} which stopped; back to scheduled", ti.key(), who);
        wake.accept(ti.key().runKey());
      }
      return;
    }
    Resolution r = ti.lease().process() != null ? ownProcess(ti)
        : SHELL.equals(ti.profile().taskType()) ? unrecordedProcess(ti, owner) : insideJvm(ti, owner);
    if (r.leaveBecause() != null) {
      if (leftAlone.add(ti.key() + "#" + ti.tryNumber())) {
        LOG.warn("{} try {} of {}: not recovered yet: {}", ti.key(), ti.tryNumber(), who, r.leaveBecause());
      }
      return;
    }
    if (ti.state() == TaskState.RESTARTING) {
      // a clear stopped this try (and recorded it); its owner died before it could set it back to none
      TaskInstance stopped = ti.toStopped();
      if (runs.update(TaskChange.of(ti, stopped).by(own))) {
        LOG.warn("{} was cleared while {} ran it, which stopped; back to none", ti.key(), who);
        telemetry.taskStateChanged(ti, stopped);
        wake.accept(ti.key().runKey());
      }
      return;
    }
    record(ti, r, who, own);
  }

  /** What to do with a running try: leave it (and why), or record it with this outcome. */
  private record Resolution(String leaveBecause, AttemptExit exit, String detail, Long foundPid) {
    static Resolution leave(String why) {
      return new Resolution(why, null, null, null);
    }

    static Resolution record(AttemptExit exit, String detail) {
      return new Resolution(null, exit, detail, null);
    }

    /** The pid of the try's program, found by recovery where the try had none recorded. */
    Resolution withPid(Long pid) {
      return new Resolution(leaveBecause, exit, detail, pid);
    }
  }

  /** A shell try: its own process group, identified by its leader. */
  private Resolution ownProcess(TaskInstance ti) {
    ProcessIdentity leader = ti.lease().process();
    if (!hostname.equals(ti.lease().hostname())) {
      return Resolution.leave("its process runs on " + ti.lease().hostname() + "; a process there recovers it");
    }
    if (leader.startedAt() == null && ProcessHandle.of(leader.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      return Resolution.leave("pid " + leader.pid() + " is alive and its start time was not recorded, so it"
          + " cannot be proven to be the task's process");
    }
    ProcessControl.Kill kill = ProcessControl.killGroup(leader, KILL_GRACE);
    if (kill == ProcessControl.Kill.KILLED && ProcessControl.groupAlive(leader)) {
      return Resolution.leave("its process group (leader " + leader + ") does not die");
    }
    Instant start = ti.times().startDate();
    Optional<AttemptExit> exit = AttemptExit.recorded(TaskLogs.attemptLog(logsRoot, ti.key(), ti.tryNumber()),
        TaskLogs.exitFile(logsRoot, ti.key(), ti.tryNumber()), start);
    String detail = switch (kill) {
      case KILLED -> "its leftover process group (" + leader + ") was killed";
      case NOT_OURS -> "pid " + leader.pid() + " now belongs to another process, which was left alone;"
          + " the task's process had ended";
      case GONE -> "its process (" + leader + ") had ended";
    };
    return Resolution.record(exit.orElse(null), detail);
  }

  /**
   * A shell try recorded running without a process: a command run directly, whose program starts
   * after the try is recorded and whose pid is recorded only with the attempt. Its processes are
   * found by the try's variable in their environment ({@link ProcessControl#TRY_VARIABLE}) and
   * killed with their groups, as {@link #ownProcess} kills a recorded group; then the exit line in
   * the log, if the program had ended, gives the outcome.
   */
  private Resolution unrecordedProcess(TaskInstance ti, Job owner) {
    if (!hostname.equals(ti.lease().hostname())) {
      return Resolution.leave("its process runs on " + ti.lease().hostname() + "; a process there recovers it");
    }
    if (owner != null && owner.process().equals(lease.process()) && executor.isRunning(ti.key(), ti.tryNumber())) {
      return Resolution.leave("it is still stopping in this process");
    }
    List<ProcessHandle> found = ProcessControl.withTryVariable(
        ProcessControl.tryValue(ti.key(), ti.tryNumber(), ti.lease().jobId()));
    List<String> killed = new java.util.ArrayList<>();
    // the program leads its session, so its pid is its group's; what it started shares the group
    Long program = found.stream().filter(h -> found.stream().noneMatch(p -> h.parent().map(ProcessHandle::pid)
        .orElse(-1L) == p.pid())).map(ProcessHandle::pid).findFirst().orElse(null);
    for (ProcessHandle h : found) {
      ProcessIdentity p = ProcessIdentity.of(h);
      if (ProcessControl.killGroup(p, KILL_GRACE) == ProcessControl.Kill.KILLED) {
        killed.add(p.toString());
      }
    }
    if (found.stream().anyMatch(ProcessControl::isLive)) {
      return Resolution.leave("its processes (" + String.join(", ", killed) + ") do not die");
    }
    Optional<AttemptExit> exit = AttemptExit.recorded(TaskLogs.attemptLog(logsRoot, ti.key(), ti.tryNumber()), null,
        ti.times().startDate());
    return Resolution.record(exit.orElse(null), killed.isEmpty() ? "its program had ended"
        : "its leftover processes (" + String.join(", ", killed) + ") were killed").withPid(program);
  }

  /** A try that runs inside its owner's JVM: it ended when that JVM did. */
  private Resolution insideJvm(TaskInstance ti, Job owner) {
    if (owner == null) {
      return Resolution.record(null, "its job is unknown");
    }
    if (!hostname.equals(owner.hostname())) {
      return Resolution.leave("it ran inside the JVM of job " + owner.id() + " on " + owner.hostname()
          + "; a process there recovers it");
    }
    ProcessIdentity jvm = owner.process();
    if (jvm.equals(lease.process())) {
      // an earlier job of this very process: the executor knows whether the try still runs
      return executor.isRunning(ti.key(), ti.tryNumber())
          ? Resolution.leave("it is still stopping in this process")
          : Resolution.record(null, "it was stopped when job " + owner.id() + " was declared dead");
    }
    boolean alive = jvm.startedAt() == null
        ? ProcessHandle.of(jvm.pid()).map(ProcessHandle::isAlive).orElse(false)
        : jvm.find().isPresent();
    if (alive) {
      return Resolution.leave("it ran inside the JVM of job " + owner.id() + " (" + jvm + "), which is still"
          + " alive (stopped?) and resolves it when it resumes");
    }
    return Resolution.record(null, "it ran inside the JVM of job " + owner.id() + ", which is gone");
  }

  private void record(TaskInstance ti, Resolution r, String who, long own) {
    AttemptExit exit = r.exit();
    Instant end = exit != null ? exit.endedAt() : clock.instant();
    boolean success = exit != null && exit.succeeded();
    Duration delay = dags.apply(ti.dagId()).map(dag -> {
      try {
        return dag.task(ti.taskId()).retryDelayBefore(ti.tryNumber() + 1);
      } catch (IllegalArgumentException removed) {
        return Duration.ZERO; // task removed from the DAG: retry without delay
      }
    }).orElse(Duration.ZERO);
    TaskInstance finished = ti.toFinished(success, end, delay, false);
    String error;
    AttemptStatus status;
    if (exit != null) {
      String how = "the " + who + " running this try stopped heartbeating; recovered by job " + own
          + ": " + r.detail() + " after recording exit code " + exit.exitCode() + " at " + exit.endedAt();
      error = success ? null : how;
      status = success ? AttemptStatus.succeeded(0) : AttemptStatus.failed(exit.exitCode(), how);
      LOG.warn("{} try {}: {}", ti.key(), ti.tryNumber(), how);
    } else {
      error = "the " + who + " running this try stopped heartbeating; recovered by job " + own + ": " + r.detail();
      if (who.startsWith("worker ")) {
        error = "worker lost: " + error; // what an Airflow user looks for in a distributed executor's failure
      }
      status = AttemptStatus.failed(null, error);
    }
    TaskAttempt started = runs.attempt(ti.key(), ti.tryNumber()).orElseGet(() -> TaskAttempt.started(ti, null));
    TaskAttempt attempt = started.finished(status, ti.lease().pid() != null ? ti.lease().pid() : r.foundPid(), end);
    Optional<TaskDefinition> task = dags.apply(ti.dagId()).map(dag -> dag.taskIndex().get(ti.taskId()));
    List<CallbackRequest> callbacks = task.filter(t -> !t.callbacks().isEmpty())
        .flatMap(t -> runs.findRun(ti.key().runKey()).map(run -> CallbackRequests.requested(t, finished, attempt,
            run.trace().traceId(), end)))
        .orElse(List.of());
    if (runs.update(new TaskChange(ti, finished, attempt).withCallbacks(callbacks).by(own))) {
      LOG.warn("{} try {}: {} -> {}{}", ti.key(), ti.tryNumber(), ti.state().id(), finished.state().id(),
          error == null ? " (its recorded outcome, adopted)" : " (" + error + ")");
      appendToLog(ti, "[contrail] recovered by job " + own + " on " + hostname + ": "
          + (exit != null ? "exit code " + exit.exitCode() + " recorded at " + exit.endedAt() + "; " : "")
          + r.detail() + "; try " + finished.state().id());
      if (!success) {
        telemetry.taskKilledExternally(ti);
      }
      telemetry.taskStateChanged(ti, finished);
      telemetry.attemptFinished(finished, attempt);
      wake.accept(ti.key().runKey());
    }
  }

  private void appendToLog(TaskInstance ti, String line) {
    Path log = TaskLogs.attemptLog(logsRoot, ti.key(), ti.tryNumber());
    try {
      if (Files.isDirectory(log.getParent())) {
        Files.writeString(log, LogLines.format(clock.instant(), LogLines.Stream.STDOUT, line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      LOG.debug("cannot append to {}: {}", log, e.toString());
    }
  }
}
