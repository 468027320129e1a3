package io.contrail.telemetry;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports to several backends at once (traces, metrics ...). A backend that throws is logged and
 * skipped: telemetry never fails a task or stalls the scheduler.
 */
final class CompositeTelemetry implements Telemetry {
  private static final Logger LOG = LoggerFactory.getLogger(CompositeTelemetry.class);
  private final List<Telemetry> backends;

  CompositeTelemetry(List<Telemetry> backends) {
    this.backends = List.copyOf(backends);
  }

  private void each(String what, Consumer<Telemetry> call) {
    for (Telemetry t : backends) {
      try {
        call.accept(t);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("telemetry backend {} failed in {}: {}", t.getClass().getSimpleName(), what, e.toString());
      }
    }
  }

  @Override
  public void runCreated(DagRun run, List<TaskInstance> taskInstances) {
    each("runCreated", t -> t.runCreated(run, taskInstances));
  }

  @Override
  public void runStateChanged(DagRun run, RunState from, RunState to) {
    each("runStateChanged", t -> t.runStateChanged(run, from, to));
  }

  @Override
  public void taskStateChanged(TaskInstance before, TaskInstance after) {
    each("taskStateChanged", t -> t.taskStateChanged(before, after));
  }

  @Override
  public void attemptFinished(TaskInstance ti, TaskAttempt attempt) {
    each("attemptFinished", t -> t.attemptFinished(ti, attempt));
  }

  @Override
  public void schedulerLoop(Loop loop) {
    each("schedulerLoop", t -> t.schedulerLoop(loop));
  }

  @Override
  public void dagsParsed(int dags, int importErrors, Duration parseTime) {
    each("dagsParsed", t -> t.dagsParsed(dags, importErrors, parseTime));
  }

  @Override
  public void executorState(String executor, int openSlots, int queued, int running) {
    each("executorState", t -> t.executorState(executor, openSlots, queued, running));
  }

  @Override
  public void tasksClaimed(String executor, int claimed, Duration latency) {
    each("tasksClaimed", t -> t.tasksClaimed(executor, claimed, latency));
  }

  @Override
  public void starvingTasks(int starving, int executable) {
    each("starvingTasks", t -> t.starvingTasks(starving, executable));
  }

  @Override
  public void jobHeartbeat() {
    each("jobHeartbeat", Telemetry::jobHeartbeat);
  }

  @Override
  public void taskKilledExternally(TaskInstance ti) {
    each("taskKilledExternally", t -> t.taskKilledExternally(ti));
  }

  @Override
  public void runFinished(DagRun run, List<TaskInstance> taskInstances) {
    each("runFinished", t -> t.runFinished(run, taskInstances));
  }

  @Override
  public void dagRunsRunning(int running) {
    each("dagRunsRunning", t -> t.dagRunsRunning(running));
  }

  @Override
  public void poolsState(List<PoolSlots> pools) {
    each("poolsState", t -> t.poolsState(pools));
  }

  @Override
  public void deadlineMissed(DagRun run) {
    each("deadlineMissed", t -> t.deadlineMissed(run));
  }

  /** The span of the first backend that makes one (the traces backend). */
  @Override
  public CallbackSpan callbackStarted(io.contrail.run.CallbackRequest request, java.time.Instant start) {
    for (Telemetry t : backends) {
      try {
        CallbackSpan span = t.callbackStarted(request, start);
        if (span != CallbackSpan.NONE) {
          return span;
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("telemetry backend {} failed in callbackStarted: {}", t.getClass().getSimpleName(), e.toString());
      }
    }
    return CallbackSpan.NONE;
  }

  @Override
  public void close() {
    each("close", Telemetry::close);
  }
}
