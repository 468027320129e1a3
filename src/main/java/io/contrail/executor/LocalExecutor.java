package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.storage.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task instances on a fixed number of threads in this process ({@code parallelism}); shell
 * tasks become child processes. The sequential executor is the same with one thread. When the job
 * owning some of its tries is declared dead ({@link #fence}) those tries are stopped at once and
 * nothing more is written for them; tries waiting for a thread are dropped. A {@link StopWatch}
 * stops, the same way, the tries whose task instance another process cleared, marked or deleted
 * (the operation recorded the try as stopped by user).
 */
final class LocalExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(LocalExecutor.class);

  private final String name;
  private final int parallelism;
  private final AttemptRunner runner;
  private final RunStore runs;
  private final ThreadPoolExecutor pool;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final Map<TaskInstanceKey, Work> active = new ConcurrentHashMap<>();
  private final Set<Long> fencedJobs = ConcurrentHashMap.newKeySet();
  private final StopWatch stopWatch;
  private volatile boolean shuttingDown;

  /** A task instance waiting for a thread, then running on it. */
  private final class Work implements Runnable {
    final TaskInstance ti;
    final Dag dag;
    final DagRun run;
    final AtomicBoolean stopped = new AtomicBoolean();
    private Thread thread;

    Work(TaskInstance ti, Dag dag, DagRun run) {
      this.ti = ti;
      this.dag = dag;
      this.run = run;
    }

    @Override
    public void run() {
      queued.decrementAndGet();
      running.incrementAndGet();
      synchronized (this) {
        thread = Thread.currentThread();
      }
      try {
        if (!stopped.get()) {
          runner.run(ti, dag, run, stopped);
        }
      } catch (RuntimeException e) {
        LOG.error("executor failed running {}", ti.key(), e);
      } finally {
        synchronized (this) {
          thread = null;
          if (!shuttingDown) {
            Thread.interrupted(); // a stop that came as the try ended must not hit the next one
          }
        }
        active.remove(ti.key(), this);
        running.decrementAndGet();
      }
    }

    /**
     * The owner was declared dead, or another process changed the task instance: stop the try
     * where it is (its process group is killed) and write nothing more for it.
     */
    synchronized void stop() {
      stopped.set(true);
      if (thread != null) {
        QuietWrites.interrupt(thread); // not inside a database write: that would close H2 for everyone
      }
    }

    long owner() {
      return ti.lease().jobId();
    }
  }

  /**
   * @param onChanged told of a task instance the stop watch moved (restarting -> none)
   * @param stopCheck how often running tries are checked for a stop by another process
   */
  LocalExecutor(String name, int parallelism, AttemptRunner runner, RunStore runs,
      BiConsumer<TaskInstanceKey, TaskInstance> onChanged, Duration stopCheck) {
    this.name = name;
    this.parallelism = parallelism;
    this.runner = runner;
    this.runs = runs;
    this.stopWatch = new StopWatch(runs, () -> active.values().stream().filter(w -> !w.stopped.get())
        .map(w -> w.ti).toList(), this::stopTry, this::isRunning, onChanged, stopCheck);
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(parallelism, parallelism, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, name + "-executor-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int openSlots() {
    return shuttingDown ? 0 : Math.max(0, parallelism - queued.get() - running.get());
  }

  @Override
  public int queuedCount() {
    return queued.get();
  }

  @Override
  public int runningCount() {
    return running.get();
  }

  @Override
  public void execute(TaskInstance ti, Dag dag, DagRun run) {
    if (fencedJobs.contains(ti.lease().jobId())) {
      return; // queued by a job declared dead: recovery hands it back
    }
    if (shuttingDown) {
      handBack(ti);
      return;
    }
    Work work = new Work(ti, dag, run);
    active.put(ti.key(), work);
    queued.incrementAndGet();
    pool.execute(work);
  }

  @Override
  public void fence(long job) {
    fencedJobs.add(job);
    int stopped = 0;
    for (Work w : active.values()) {
      if (Objects.equals(w.ti.lease().jobId(), job)) {
        w.stop();
        stopped++;
      }
    }
    for (Runnable r : pool.getQueue().toArray(new Runnable[0])) {
      if (r instanceof Work w && w.owner() == job && pool.remove(r)) {
        queued.decrementAndGet();
        active.remove(w.ti.key(), w);
      }
    }
    if (stopped > 0) {
      LOG.warn("stopping {} task(s) of job {}, which was declared dead", stopped, job);
    }
  }

  /** Stops the try of {@code ti} running here, if it still is that try. */
  private void stopTry(TaskInstance ti) {
    Work w = active.get(ti.key());
    if (w != null && w.ti.tryNumber() == ti.tryNumber()) {
      w.stop();
    }
  }

  @Override
  public boolean isRunning(TaskInstanceKey key, int tryNumber) {
    Work w = active.get(key);
    return w != null && w.ti.tryNumber() == tryNumber;
  }

  @Override
  public void shutdown(Duration grace) {
    shuttingDown = true;
    List<Runnable> notStarted = new ArrayList<>();
    pool.getQueue().drainTo(notStarted);
    for (Runnable r : notStarted) {
      queued.decrementAndGet();
      Work w = (Work) r;
      active.remove(w.ti.key(), w);
      if (!fencedJobs.contains(w.owner())) {
        handBack(w.ti);
      }
    }
    pool.shutdown();
    try {
      if (running.get() > 0) {
        LOG.info("waiting up to {} for {} running task(s) to finish", Durations.format(grace), running.get());
      }
      if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} task(s) still running after {}: stopping them and handing them back for retry",
            running.get(), Durations.format(grace));
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      stopWatch.close();
    }
  }

  private void handBack(TaskInstance ti) {
    if (runs.update(TaskChange.of(ti, ti.toHandedBack()).by(ti.lease().jobId()))) {
      LOG.info("{} handed back to the scheduler before it started", ti.key());
    }
  }
}
