package io.contrail.worker;

import io.contrail.api.Dag;
import io.contrail.executor.Executor;
import io.contrail.jobs.JobLease;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.scheduler.ZombieReaper;
import io.contrail.storage.DagCache;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.WorkerStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A distributed worker ({@code contrail worker}): takes queued task instances of its queues from
 * the database in batches and runs them on its executor — the same local executor, attempt runner
 * and shell wrapper the scheduler's own executors use. It schedules nothing: schedulers decide
 * what is queued (pools, max_active_tasks, priorities), the worker only claims what is queued.
 *
 * <p>The worker is a job like a scheduler: its heartbeat runs on its own thread, every claim and
 * every state write is a compare-and-set in the name of its job, and when the heartbeat finds the
 * job declared dead (the worker was frozen past zombie_threshold, or cut off) its tries are
 * stopped at once — their process groups killed, nothing written over the new try a scheduler's
 * recovery made — and it registers as a new job before it claims again. A stop (SIGTERM) stops
 * claiming, lets running tasks finish within the grace period, then hands the rest back.
 */
public final class Worker {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  /** At most this many rows per claim: one short transaction, however many slots are open. */
  static final int MAX_BATCH = 64;

  /**
   * What a worker serves and how it waits.
   *
   * @param pollInterval how long an idle worker waits before it looks at the queue again
   * @param shutdownGrace how long a stop waits for running tasks before handing them back
   */
  public record Settings(List<String> queues, int concurrency, Duration pollInterval, Duration shutdownGrace,
      String hostname) {
    public Settings {
      queues = List.copyOf(queues);
      if (queues.isEmpty() || concurrency < 1) {
        throw new IllegalArgumentException("a worker needs a queue and a concurrency of at least 1");
      }
    }
  }

  private final WorkerStore workers;
  private final RunStore runs;
  private final DagCache dagCache;
  private final Executor executor;
  private final JobLease lease;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Settings settings;
  private final LongConsumer onJobStarted;
  private final ZombieReaper reaper;
  private final Duration recoveryInterval;
  private final Duration zombieThreshold;
  private long nextRecovery;
  private final ReportThrottle reports;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean stopRequested;

  /**
   * @param executor runs the claimed tries; it must call {@link #taskFinished} when a try ends
   * @param onJobStarted told each new job id (the span outbox claims under it)
   * @param reaper recovers dead jobs' tries on this host — the worker's own earlier job's too, whose
   *     in-JVM tries no other process may record while this JVM lives
   * @param recoveryInterval how often the reaper runs ([scheduler] job_heartbeat_ms)
   */
  public Worker(WorkerStore workers, RunStore runs, DagStore dags, Executor executor, JobLease lease, Clock clock,
      Telemetry telemetry, Settings settings, LongConsumer onJobStarted, ZombieReaper reaper,
      Duration recoveryInterval, Duration zombieThreshold) {
    this.workers = workers;
    this.runs = runs;
    this.dagCache = new DagCache(dags);
    this.executor = executor;
    this.lease = lease;
    this.clock = clock;
    this.telemetry = telemetry;
    this.settings = settings;
    this.onJobStarted = onJobStarted;
    this.reaper = reaper;
    this.recoveryInterval = recoveryInterval;
    this.zombieThreshold = zombieThreshold;
    this.reports = new ReportThrottle(recoveryInterval);
    lease.onLost(executor::fence); // on the heartbeat thread: the dead job's tries stop at once
  }

  /** Registers the worker's job (its heartbeat starts); returns the job id. */
  public long start() {
    long job = register();
    LOG.info("worker job {} started on {} ({}): queues {}, concurrency {}", job, settings.hostname(), lease.process(),
        String.join(",", settings.queues()), settings.concurrency());
    return job;
  }

  private long register() {
    long job = lease.register();
    workers.register(job, settings.queues(), settings.concurrency(), clock.instant());
    onJobStarted.accept(job);
    return job;
  }

  /** The current job's id (a new one after the last was declared dead). */
  public long jobId() {
    return lease.jobId();
  }

  /** A try ended here: a slot is free, so the queue is looked at again at once. */
  public void taskFinished() {
    wake.release();
  }

  /** Work was queued on one of this worker's queues (a wake-up from another process): look now. */
  public void workQueued() {
    wake.release();
  }

  /** Stops claiming; {@link #run} then lets running tasks finish and returns. */
  public void requestStop() {
    stopRequested = true;
    wake.release();
  }

  /** Claims and runs until stopped; then stops gracefully and ends the job. */
  public void run() {
    try {
      while (!stopRequested) {
        if (lease.lost()) {
          long dead = lease.jobId();
          long fresh = register();
          LOG.warn("worker job {} was declared dead; its tries were stopped; registered again as job {}", dead, fresh);
        }
        int limit = Math.min(executor.openSlots(), MAX_BATCH);
        boolean more = false;
        try {
          int claimed = limit > 0 ? claimAndRun(limit) : 0;
          report("running");
          recoverIfDue();
          more = claimed > 0 && claimed == limit && executor.openSlots() > 0; // a full batch: more may wait
        } catch (RuntimeException e) {
          LOG.error("worker claim failed; retrying in {} ms", settings.pollInterval().toMillis(), e);
        }
        if (!more) {
          // nothing queued, or no slot left: wait for a finished try, a stop or the poll interval
          wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      shutdown();
    }
  }

  /** One claim of up to {@code limit} rows; each claimed try goes to the executor. Returns how many. */
  private int claimAndRun(int limit) {
    if (lease.lost()) {
      return 0;
    }
    long job = lease.jobId();
    long claimStart = System.nanoTime();
    List<TaskInstance> claimed = workers.claim(job, settings.hostname(), settings.queues(), limit);
    telemetry.tasksClaimed(executor.name(), claimed.size(), Duration.ofNanos(System.nanoTime() - claimStart));
    // one read per DAG and per run of the batch, not per task: a batch is mostly one run's tasks
    Map<String, Optional<Dag>> batchDags = new HashMap<>();
    Map<RunKey, Optional<DagRun>> batchRuns = new HashMap<>();
    for (TaskInstance ti : claimed) {
      Optional<Dag> dag = batchDags.computeIfAbsent(ti.dagId(), dagCache::find);
      Optional<DagRun> run = batchRuns.computeIfAbsent(ti.key().runKey(), runs::findRun);
      if (dag.isEmpty() || run.isEmpty()) {
        // deleted meanwhile: give the row back, a scheduler decides what becomes of it
        LOG.warn("{}: its {} is not in the database; handed back", ti.key(), dag.isEmpty() ? "DAG" : "run");
        runs.update(TaskChange.of(ti, ti.toHandedBack()).by(job));
        continue;
      }
      executor.execute(ti, dag.get(), run.get());
    }
    return claimed.size();
  }

  private void recoverIfDue() {
    long now = System.nanoTime();
    if (now - nextRecovery >= 0) {
      nextRecovery = now + recoveryInterval.toNanos();
      reaper.recover(zombieThreshold);
    }
  }

  private void report(String state) {
    int running = executor.runningCount();
    int held = running + executor.queuedCount();
    // the worker row is what `workers list` shows: written when it changed state, else at most once a
    // heartbeat interval, not after every claim (a claim per finished task made it a commit per task)
    if (reports.due(lease.jobId(), state, System.nanoTime())) {
      workers.report(lease.jobId(), held, state, clock.instant());
    }
    telemetry.executorState(executor.name(), executor.openSlots(), executor.queuedCount(), running);
  }

  private void shutdown() {
    LOG.info("worker job {} stopping: no more claims; running tasks get {} ms to finish", lease.jobId(),
        settings.shutdownGrace().toMillis());
    try {
      report("stopping");
    } catch (RuntimeException e) {
      LOG.warn("cannot report the worker as stopping: {}", e.toString());
    }
    executor.shutdown(settings.shutdownGrace());
    reaper.close();
    try {
      workers.report(lease.jobId(), 0, "stopped", clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("cannot report the worker as stopped: {}", e.toString());
    }
    lease.end("success");
  }
}
