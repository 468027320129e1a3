package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.contrail.storage.RunStore;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The scheduler's side of {@code executor = distributed}: it runs nothing. A task instance the
 * scheduler commits as queued is already in the queue — the database — where a {@code contrail
 * worker} serving its queue claims it; so {@link #execute} has nothing to do, and a graceful stop
 * has no task to wait for (workers keep running theirs). Its open slots are {@code parallelism}
 * minus every queued or running task instance on the database, so the scheduler never queues more
 * than that many ahead of the workers.
 */
final class QueueingExecutor implements Executor {
  private final int parallelism;
  private final RunStore runs;
  private volatile int queued;
  private volatile int running;
  private final Consumer<TaskInstance> onQueued;

  /** @param onQueued told each task instance committed as queued (to wake the workers of its queue) */
  QueueingExecutor(int parallelism, RunStore runs, Consumer<TaskInstance> onQueued) {
    this.parallelism = parallelism;
    this.runs = runs;
    this.onQueued = onQueued;
  }

  @Override
  public String name() {
    return "distributed";
  }

  @Override
  public int openSlots() {
    refreshCounts();
    return Math.max(0, parallelism - queued - running);
  }

  @Override
  public int queuedCount() {
    return queued; // as of the last openSlots(), which the scheduler asks first
  }

  @Override
  public int runningCount() {
    return running;
  }

  private void refreshCounts() {
    int[] counts = runs.queuedAndRunning();
    queued = counts[0];
    running = counts[1];
  }

  @Override
  public void execute(TaskInstance queued, Dag dag, DagRun run) {
    // committed as queued: the row is the message; a worker claims it, woken by this if it waits
    onQueued.accept(queued);
  }

  @Override
  public void shutdown(Duration grace) {
    // workers own what they claimed; queued rows wait for them or for the next scheduler
  }
}
