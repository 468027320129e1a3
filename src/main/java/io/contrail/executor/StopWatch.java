package io.contrail.executor;

import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.storage.RunStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the tries this process runs whose task instance is no longer running under its ownership:
 * another process — the CLI beside a running scheduler, the REST API — cleared or marked it,
 * marked its run, or deleted it. Every {@code every} it reads the rows of its running tries (one
 * query, cost proportional to what runs here, not to history); a try whose row moved on is
 * stopped the way the fencing of a dead job stops it (its process group killed, nothing more
 * written for it), and a row left {@code restarting} by a clear is set back to none once the try
 * is gone, so the next try never overlaps it. The operation itself recorded the try as failed
 * "stopped by user" in the same transaction as the state change.
 */
final class StopWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopWatch.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final RunStore runs;
  private final Supplier<List<TaskInstance>> running;
  private final Consumer<TaskInstance> stop;
  private final BiPredicate<TaskInstanceKey, Integer> stillRunning;
  private final BiConsumer<TaskInstanceKey, TaskInstance> onChanged;
  private final ScheduledExecutorService timer;
  private final ExecutorService stoppers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "contrail-task-stop");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param running the task instances (as handed over) of the tries running here, not stopped yet
   * @param stop stops the try of a task instance
   * @param stillRunning whether that try still runs here
   * @param onChanged told of a task instance this watch moved (restarting -> none)
   */
  StopWatch(RunStore runs, Supplier<List<TaskInstance>> running, Consumer<TaskInstance> stop,
      BiPredicate<TaskInstanceKey, Integer> stillRunning, BiConsumer<TaskInstanceKey, TaskInstance> onChanged,
      Duration every) {
    this.runs = runs;
    this.running = running;
    this.stop = stop;
    this.stillRunning = stillRunning;
    this.onChanged = onChanged;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "contrail-stop-watch");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(50, every.toMillis());
    timer.scheduleWithFixedDelay(this::checkSafely, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("checking running tries for stops failed: {}", e.toString());
    }
  }

  /** One pass: stops every try whose row says it is no longer this process's to run. */
  void check() {
    List<TaskInstance> mine = running.get();
    if (mine.isEmpty()) {
      return;
    }
    Map<TaskInstanceKey, TaskInstance> rows = new HashMap<>();
    runs.taskInstances(mine.stream().map(TaskInstance::key).toList()).forEach(ti -> rows.put(ti.key(), ti));
    for (TaskInstance handed : mine) {
      TaskInstance row = rows.get(handed.key());
      if (row != null && isMine(handed, row) && row.state() != TaskState.RESTARTING) {
        continue;
      }
      if (!stillRunning.test(handed.key(), handed.tryNumber())) {
        continue; // it ended while the rows were read: that end is its own
      }
      String why = row == null ? "deleted" : row.state() == TaskState.RESTARTING ? "cleared" : "now " + row.state().id()
          + (row.tryNumber() == handed.tryNumber() ? "" : " in try " + row.tryNumber());
      LOG.warn("{} try {} was {} by another process: stopping it", handed.key(), handed.tryNumber(), why);
      stoppers.execute(() -> stopAndRelease(handed, row));
    }
  }

  /**
   * The row is still this try's under its job: running, or already ended by the try itself (it
   * wrote success, failed or up_for_retry and has not left the executor yet). Every other process's
   * change of a running try releases its job id (a mark, a hand-back) or moves it to restarting (a
   * clear, checked apart), so a stored job id and try number that match mean the try's own writing.
   */
  private static boolean isMine(TaskInstance handed, TaskInstance row) {
    return row.tryNumber() == handed.tryNumber() && row.lease().jobId() != null
        && Objects.equals(row.lease().jobId(), handed.lease().jobId());
  }

  private void stopAndRelease(TaskInstance handed, TaskInstance row) {
    stop.accept(handed);
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    try {
      while (stillRunning.test(handed.key(), handed.tryNumber()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (row != null && row.state() == TaskState.RESTARTING && isMine(handed, row)
        && !stillRunning.test(handed.key(), handed.tryNumber())) {
      TaskInstance stopped = row.toStopped();
      if (runs.update(TaskChange.of(row, stopped))) {
        LOG.info("{} try {} stopped; back to none for its next try", row.key(), row.tryNumber());
        onChanged.accept(row.key(), stopped);
      }
    }
  }

  @Override
  public void close() {
    // shutdown, not shutdownNow: interrupting a check inside H2's file I/O closes the whole database
    timer.shutdown();
    try {
      if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      timer.shutdownNow();
      Thread.currentThread().interrupt();
    }
    stoppers.shutdown();
  }
}
