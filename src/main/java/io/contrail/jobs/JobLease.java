package io.contrail.jobs;

import io.contrail.run.ProcessIdentity;
import io.contrail.storage.JobStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's registration as a job — the owner of the task instances it queues and runs — kept
 * alive by a heartbeat on a thread of its own, so no loop work, slow query or long DAG parse can
 * delay it. When a heartbeat is refused the job has been declared dead by another process: the
 * lease is {@linkplain #lost() lost}, listeners are told at once (the executor stops that job's
 * tasks), and the owner must {@link #register} a new job before it acts again. Every state write
 * names its job, and the database refuses writes of a job that is not running, so nothing is
 * written under the dead id meanwhile.
 *
 * <p>The lease also says when this process may declare <em>others</em> dead: only after its own
 * heartbeats have succeeded without a gap longer than half the zombie threshold for a few heartbeat
 * intervals. A process that was itself stopped (SIGSTOP, a long GC pause), or cut off from the
 * database, sees every other job's heartbeat as old when it resumes; waiting lets those jobs
 * heartbeat again first instead of being killed for the pause of the one that observes them.
 */
public final class JobLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobLease.class);

  private final JobStore jobs;
  private final Clock clock;
  private final Telemetry telemetry;
  private final String jobType;
  private final String hostname;
  private final ProcessIdentity process;
  private final Duration heartbeat;
  private final long toleranceNanos;
  private final long graceNanos;
  private final List<LongConsumer> onLost = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private ScheduledExecutorService beats;
  private volatile long jobId = -1;
  private volatile long lostJob = -1;
  private volatile long lastOkNanos;
  private volatile long healthySinceNanos;
  private volatile long lastFailureLogNanos;

  /**
   * @param heartbeat how often the job heartbeats ({@code [scheduler] job_heartbeat_ms})
   * @param zombieThreshold how long a job may stay silent before it is declared dead
   */
  public JobLease(JobStore jobs, Clock clock, Telemetry telemetry, String jobType, String hostname,
      ProcessIdentity process, Duration heartbeat, Duration zombieThreshold) {
    this.jobs = jobs;
    this.clock = clock;
    this.telemetry = telemetry;
    this.jobType = jobType;
    this.hostname = hostname;
    this.process = process;
    this.heartbeat = heartbeat;
    this.toleranceNanos = zombieThreshold.toNanos() / 2;
    this.graceNanos = Math.min(zombieThreshold.toNanos(), 3 * heartbeat.toNanos());
  }

  /** Registers a new job (again, after the last one was declared dead) and heartbeats it; its id. */
  public long register() {
    synchronized (lock) {
      long id = jobs.start(jobType, hostname, process, clock.instant());
      long now = System.nanoTime();
      lastOkNanos = now;
      healthySinceNanos = now;
      jobId = id;
      lostJob = -1;
      if (beats == null) {
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "contrail-job-heartbeat");
          t.setDaemon(true);
          return t;
        });
        beats.scheduleWithFixedDelay(this::beat, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
      }
      return id;
    }
  }

  /** The current job's id, -1 before {@link #register}. */
  public long jobId() {
    return jobId;
  }

  /** The process this lease belongs to. */
  public ProcessIdentity process() {
    return process;
  }

  /** The current job was declared dead: act no more under its id, register again. */
  public boolean lost() {
    long lost = lostJob;
    return lost >= 0 && lost == jobId;
  }

  /** Told the id of a job of this lease that was declared dead, on the heartbeat thread. */
  public void onLost(LongConsumer listener) {
    onLost.add(listener);
  }

  /**
   * Whether this process has been healthy long enough to judge other jobs' heartbeats: its own
   * job is not lost, its heartbeats succeed without a gap over half the zombie threshold, and have
   * done so for a few heartbeat intervals.
   */
  public boolean mayDeclareOthersDead() {
    long now = System.nanoTime();
    return !lost() && jobId >= 0 && now - lastOkNanos <= toleranceNanos && now - healthySinceNanos >= graceNanos;
  }

  /** Stops heartbeating and records the job's end (a no-op for a job already declared dead). */
  public void end(String state) {
    stopBeating();
    long id = jobId;
    if (id >= 0) {
      jobs.end(id, state, clock.instant());
    }
  }

  @Override
  public void close() {
    stopBeating();
  }

  private void stopBeating() {
    synchronized (lock) {
      if (beats != null) {
        // shutdown, not shutdownNow: interrupting a beat inside H2's file I/O closes the whole database
        beats.shutdown();
        try {
          if (!beats.awaitTermination(5, TimeUnit.SECONDS)) {
            beats.shutdownNow();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        beats = null;
      }
    }
  }

  private void beat() {
    long id = jobId;
    if (id < 0 || lostJob == id) {
      return;
    }
    boolean alive;
    try {
      alive = jobs.heartbeat(id, clock.instant());
    } catch (RuntimeException e) {
      long now = System.nanoTime();
      if (now - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(10)) {
        lastFailureLogNanos = now;
        LOG.warn("{} job {}: heartbeat failed ({}); retrying every {} ms", jobType, id, e.toString(),
            heartbeat.toMillis());
      }
      return;
    }
    if (alive) {
      long now = System.nanoTime();
      if (now - lastOkNanos > toleranceNanos) {
        // this process was stopped or cut off: others' heartbeats may look old for the same reason
        LOG.warn("{} job {}: {} ms since the last heartbeat; not declaring other jobs dead for {} ms",
            jobType, id, TimeUnit.NANOSECONDS.toMillis(now - lastOkNanos), TimeUnit.NANOSECONDS.toMillis(graceNanos));
        healthySinceNanos = now;
      }
      lastOkNanos = now;
      telemetry.jobHeartbeat();
      return;
    }
    lostJob = id;
    LOG.error("{} job {} was declared dead by another process (no heartbeat within the zombie threshold):"
        + " it stops acting under that id, its tasks are stopped, and it registers as a new job", jobType, id);
    for (LongConsumer l : onLost) {
      try {
        l.accept(id);
      } catch (RuntimeException e) {
        LOG.error("stopping the tasks of job {} failed", id, e);
      }
    }
  }
}
