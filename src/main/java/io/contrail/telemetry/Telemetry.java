package io.contrail.telemetry;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the scheduler and executors report what happens: every run and task instance state
 * change, every finished attempt, every scheduler loop. The default is {@link #NOOP}; the traces
 * and metrics backends implement it without touching the scheduler's logic. Implementations must
 * never throw and never block.
 */
public interface Telemetry extends AutoCloseable {
  Telemetry NOOP = new Telemetry() {};

  /** A new run (scheduled, manual, backfill) and the task instances created with it. */
  default void runCreated(DagRun run, java.util.List<TaskInstance> taskInstances) {}

  default void runStateChanged(DagRun run, RunState from, RunState to) {}

  default void taskStateChanged(TaskInstance before, TaskInstance after) {}

  default void attemptFinished(TaskInstance ti, TaskAttempt attempt) {}

  /** One timed step of a scheduler loop; {@code error} is what it threw, if anything. */
  record LoopPhase(String name, Instant start, Instant end, Throwable error) {
    public Duration duration() {
      return Duration.between(start, end);
    }
  }

  /**
   * One full scheduler loop and its steps (scheduler.create_dagruns, scheduler.start_queued_dagruns, scheduler.advance_dagruns,
   * scheduler.critical_section, scheduler.recover_zombies, executor.heartbeat); {@code error} is
   * the first step's error, if any. {@code traceId}/{@code spanId} are the ids of the loop's
   * {@code scheduler.loop} span, allocated when the loop started and stored with every scheduled
   * run it created (the run span links to it).
   */
  record Loop(Instant start, Instant end, java.util.List<LoopPhase> phases, Throwable error,
      String traceId, String spanId) {
    public Duration duration() {
      return Duration.between(start, end);
    }

    public Duration phaseDuration(String name) {
      return phases.stream().filter(p -> p.name().equals(name)).map(LoopPhase::duration)
          .findFirst().orElse(Duration.ZERO);
    }
  }

  default void schedulerLoop(Loop loop) {}

  /** The process's job recorded a heartbeat (on its own thread, every job_heartbeat_ms). */
  default void jobHeartbeat() {}

  default void dagsParsed(int dags, int importErrors, Duration parseTime) {}

  default void executorState(String executor, int openSlots, int queued, int running) {}

  /**
   * A distributed worker's claim transaction took {@code latency} and took {@code claimed} queued
   * task instances (0 when the queue had none for it).
   */
  default void tasksClaimed(String executor, int claimed, Duration latency) {}

  /**
   * Tasks left scheduled for lack of pool slots or DAG concurrency in the last queueing pass
   * ({@code starving}), and the tasks that pass chose to queue ({@code executable}).
   */
  default void starvingTasks(int starving, int executable) {}

  default void taskKilledExternally(TaskInstance ti) {}

  /** A run reached success or failed; {@code taskInstances} are its task instances at that moment. */
  default void runFinished(DagRun run, java.util.List<TaskInstance> taskInstances) {}

  /** Runs in state running that this scheduler advanced in its last loop. */
  default void dagRunsRunning(int running) {}

  /**
   * Slots of one pool: {@code open} = slots - queued - running (in pool slots, not tasks);
   * {@code starving} = scheduled tasks left waiting for this pool in the last queueing pass.
   */
  record PoolSlots(String pool, int slots, int open, int queued, int running, int starving) {}

  /** Every pool's slots, reported periodically by the scheduler. */
  default void poolsState(java.util.List<PoolSlots> pools) {}

  /** A run missed its DAG's deadline (reported once, by the process that recorded it). */
  default void deadlineMissed(DagRun run) {}

  /** The span of one callback while it runs: its W3C traceparent (null when not traced), ended once. */
  interface CallbackSpan {
    CallbackSpan NONE = new CallbackSpan() {
      @Override
      public String traceparent() {
        return null;
      }

      @Override
      public void ended(Instant end, boolean succeeded, String error) {}
    };

    String traceparent();

    void ended(Instant end, boolean succeeded, String error);
  }

  /** A callback starts: its {@code callback.<kind>} span, a child of the span it concerns. */
  default CallbackSpan callbackStarted(io.contrail.run.CallbackRequest request, Instant start) {
    return CallbackSpan.NONE;
  }

  /** Flushes what is buffered and releases exporters; called once when the process stops. */
  default void close() {}
}
