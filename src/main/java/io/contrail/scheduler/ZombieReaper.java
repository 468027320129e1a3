package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.executor.ProcessControl;
import io.contrail.run.AttemptStatus;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.Job;
import io.contrail.storage.JobStore;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers task instances held by a scheduler that died (no heartbeat for zombie_threshold): a
 * queued one that never started goes back to scheduled without using a try; a running one has its
 * leftover process group killed (when on this host) and its try failed, so it is retried or
 * failed according to its retries. Each change is a compare-and-set, so it happens once however
 * many schedulers notice.
 */
final class ZombieReaper {
  private static final Logger LOG = LoggerFactory.getLogger(ZombieReaper.class);

  private final RunStore runs;
  private final JobStore jobs;
  private final Clock clock;
  private final Telemetry telemetry;
  private final String hostname;
  private final Function<String, Dag> dags;
  private final Consumer<RunKey> wake;
  private long ownJob = -1;

  ZombieReaper(RunStore runs, JobStore jobs, Clock clock, Telemetry telemetry, String hostname,
      Function<String, Dag> dags, Consumer<RunKey> wake) {
    this.runs = runs;
    this.jobs = jobs;
    this.clock = clock;
    this.telemetry = telemetry;
    this.hostname = hostname;
    this.dags = dags;
    this.wake = wake;
  }

  void setOwnJob(long id) {
    this.ownJob = id;
  }

  void recover(Duration threshold) {
    Instant now = clock.instant();
    for (Job stale : jobs.staleJobs(now.minus(threshold))) {
      if (stale.id() != ownJob && jobs.markFailed(stale.id(), now)) {
        LOG.warn("{} job {} on {} (pid {}) has not heartbeated since {}: recovering its tasks",
            stale.jobType(), stale.id(), stale.hostname(), stale.pid(), stale.latestHeartbeat());
      }
    }
    Map<Long, Optional<Job>> owners = new HashMap<>();
    for (TaskInstance ti : runs.taskInstancesInStates(List.of(TaskState.QUEUED, TaskState.RUNNING))) {
      Long jobId = ti.lease().jobId();
      if (jobId == null || jobId == ownJob) {
        continue;
      }
      Optional<Job> owner = owners.computeIfAbsent(jobId, jobs::find);
      if (owner.isPresent() && "running".equals(owner.get().state())) {
        continue;
      }
      recoverTask(ti, owner.orElse(null));
    }
  }

  private void recoverTask(TaskInstance ti, Job owner) {
    String who = owner == null ? "job " + ti.lease().jobId()
        : owner.jobType() + " job " + owner.id() + " on " + owner.hostname() + " (pid " + owner.pid() + ")";
    if (ti.state() == TaskState.QUEUED) {
      if (runs.update(TaskChange.of(ti, ti.toHandedBack()))) {
        LOG.warn("{} was queued by {} which stopped; back to scheduled", ti.key(), who);
        wake.accept(ti.key().runKey());
      }
      return;
    }
    Long pid = ti.lease().pid();
    if (pid != null && hostname.equals(ti.lease().hostname()) && ProcessControl.isAlive(pid)) {
      LOG.warn("{}: killing leftover process group {} of the stopped scheduler", ti.key(), pid);
      ProcessControl.kill(pid);
    }
    Instant now = clock.instant();
    Dag dag = dags.apply(ti.dagId());
    Duration delay = Duration.ZERO;
    if (dag != null) {
      try {
        delay = dag.task(ti.taskId()).retryDelayBefore(ti.tryNumber() + 1);
      } catch (IllegalArgumentException ignored) {
        // task removed from the DAG: retry without delay
      }
    }
    TaskInstance failed = ti.toFinished(false, now, delay, false);
    String error = "the " + who + " running this try stopped heartbeating; recovered by job " + ownJob;
    TaskAttempt attempt = TaskAttempt.started(ti, null).finished(AttemptStatus.failed(null, error), pid, now);
    if (runs.update(new TaskChange(ti, failed, attempt))) {
      LOG.warn("{} try {}: {} -> {} ({})", ti.key(), ti.tryNumber(), ti.state().id(), failed.state().id(), error);
      telemetry.taskKilledExternally(ti);
      telemetry.taskStateChanged(ti, failed);
      telemetry.attemptFinished(failed, attempt);
      wake.accept(ti.key().runKey());
    }
  }
}
