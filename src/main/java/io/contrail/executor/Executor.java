package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import java.time.Duration;

/**
 * Runs queued task instances. The scheduler marks a task instance queued (owned by its job) and
 * hands it here; the executor moves it to running and on to its outcome in the database.
 */
public interface Executor {
  String name();

  /** How many more task instances it accepts now. */
  int openSlots();

  int queuedCount();

  int runningCount();

  /** Takes a task instance in state queued; never blocks. */
  void execute(TaskInstance queued, Dag dag, DagRun run);

  /**
   * Job {@code job}, which queued some of the tries here, was declared dead: stop those tries at
   * once (kill their processes) and write nothing more for them; tries not started are dropped.
   * Recovery records them. Never blocks.
   */
  default void fence(long job) {}

  /** Whether try {@code tryNumber} of the task instance runs here right now (or is about to). */
  default boolean isRunning(TaskInstanceKey key, int tryNumber) {
    return false;
  }

  /**
   * Stops taking work, waits up to {@code grace} for running tasks, then interrupts the rest so
   * they are handed back for retry; tasks not yet started go back to scheduled.
   */
  void shutdown(Duration grace);
}
