package io.contrail.scheduler;

import io.contrail.api.Dag;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link DagSync} of a scheduler process on a thread of its own, every
 * dag_dir_list_interval, as Airflow's dag-processor does: parsing a large or slow file delays
 * only the next DAG update, never the scheduler loop, its fast path or the job's heartbeat. The
 * DAGs of the latest sync wait here until the loop takes them ({@link #takeParsed}).
 */
final class DagProcessing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DagProcessing.class);

  private final DagSync sync;
  private final Duration interval;
  private final AtomicReference<Map<String, Dag>> parsed = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stopped;

  DagProcessing(DagSync sync, Duration interval) {
    this.sync = sync;
    this.interval = interval;
    this.thread = new Thread(this::run, "contrail-dag-processor");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The DAGs of the latest sync the loop has not taken yet, or null. */
  Map<String, Dag> takeParsed() {
    return parsed.getAndSet(null);
  }

  private final Object wakeUp = new Object();

  private void run() {
    while (!stopped) {
      long t0 = System.nanoTime();
      try {
        parsed.set(sync.sync().dags());
      } catch (RuntimeException e) {
        LOG.error("DAG processing failed; the next scan retries", e);
      }
      long waitMs = interval.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      try {
        synchronized (wakeUp) {
          if (waitMs > 0 && !stopped) {
            wakeUp.wait(waitMs);
          }
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    try {
      // Not interrupted at once: an interrupt that lands inside H2's file I/O closes the database for
      // every thread. Only a parse still in progress after a moment is interrupted (its reader gives up).
      thread.join(2_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(8_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
