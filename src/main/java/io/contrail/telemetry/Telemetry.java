package io.contrail.telemetry;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.time.Duration;

/**
 * Where the scheduler and executors report what happens: every run and task instance state
 * change, every finished attempt, every scheduler loop. The default is {@link #NOOP}; the traces
 * and metrics backends implement it without touching the scheduler's logic. Implementations must
 * never throw and never block.
 */
public interface Telemetry {
  Telemetry NOOP = new Telemetry() {};

  default void runCreated(DagRun run) {}

  default void runStateChanged(DagRun run, RunState from, RunState to) {}

  default void taskStateChanged(TaskInstance before, TaskInstance after) {}

  default void attemptFinished(TaskInstance ti, TaskAttempt attempt) {}

  /** One scheduler loop: its duration, the critical section's, and an error if the loop failed. */
  default void schedulerLoop(Duration loop, Duration criticalSection, Throwable error) {}

  default void dagsParsed(int dags, int importErrors, Duration parseTime) {}

  default void executorState(String executor, int openSlots, int queued, int running) {}

  /** Tasks left scheduled for lack of pool slots or DAG concurrency in the last queueing pass. */
  default void starvingTasks(int starving, int executable) {}

  default void taskKilledExternally(TaskInstance ti) {}
}
