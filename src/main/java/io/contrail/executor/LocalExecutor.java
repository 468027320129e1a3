package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.storage.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task instances on a fixed number of threads in this process ({@code parallelism}); shell
 * tasks become child processes. The sequential executor is the same with one thread.
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
  private volatile boolean shuttingDown;

  /** A task instance waiting for a thread. */
  private final class Work implements Runnable {
    final TaskInstance ti;
    final Dag dag;
    final DagRun run;

    Work(TaskInstance ti, Dag dag, DagRun run) {
      this.ti = ti;
      this.dag = dag;
      this.run = run;
    }

    @Override
    public void run() {
      queued.decrementAndGet();
      running.incrementAndGet();
      try {
        runner.run(ti, dag, run);
      } catch (RuntimeException e) {
        LOG.error("executor failed running {}", ti.key(), e);
      } finally {
        running.decrementAndGet();
      }
    }
  }

  LocalExecutor(String name, int parallelism, AttemptRunner runner, RunStore runs) {
    this.name = name;
    this.parallelism = parallelism;
    this.runner = runner;
    this.runs = runs;
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
    if (shuttingDown) {
      handBack(ti);
      return;
    }
    queued.incrementAndGet();
    pool.execute(new Work(ti, dag, run));
  }

  @Override
  public void shutdown(Duration grace) {
    shuttingDown = true;
    List<Runnable> notStarted = new ArrayList<>();
    pool.getQueue().drainTo(notStarted);
    for (Runnable r : notStarted) {
      queued.decrementAndGet();
      handBack(((Work) r).ti);
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
    }
  }

  private void handBack(TaskInstance ti) {
    if (runs.update(TaskChange.of(ti, ti.toHandedBack()))) {
      LOG.info("{} handed back to the scheduler before it started", ti.key());
    }
  }
}
