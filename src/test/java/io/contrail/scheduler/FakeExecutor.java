package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.executor.Executor;
import io.contrail.run.DagRun;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.storage.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An executor that runs nothing: it records the task instances handed to it and lets the test
 * finish them the way AttemptRunner does (queued -> running -> outcome through the store, then a
 * wake-up of the scheduler). With {@link #autoFinish} every task ends as soon as it is handed.
 */
final class FakeExecutor implements Executor {
  private final RunStore runs;
  private final Clock clock;
  private final int slots;
  private final Map<TaskInstanceKey, Handed> held = new LinkedHashMap<>();
  private final List<TaskInstance> handed = new ArrayList<>();
  private final List<Long> fenced = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Consumer<TaskInstanceKey> onFinished = key -> { };
  private Predicate<TaskInstance> autoFinish;
  private boolean shutDown;

  /** A task instance handed over, with what came with it. */
  record Handed(TaskInstance queued, Dag dag, DagRun run) {}

  FakeExecutor(RunStore runs, Clock clock, int slots) {
    this.runs = runs;
    this.clock = clock;
    this.slots = slots;
  }

  void onFinished(Consumer<TaskInstanceKey> callback) {
    this.onFinished = callback;
  }

  /** Ends every handed task at once: success when {@code succeeds} says so, else failure. */
  void autoFinish(Predicate<TaskInstance> succeeds) {
    this.autoFinish = succeeds;
  }

  /** Task ids handed over so far, in order. */
  synchronized List<String> handedTaskIds() {
    return handed.stream().map(TaskInstance::taskId).toList();
  }

  synchronized List<TaskInstance> handed() {
    return List.copyOf(handed);
  }

  boolean isShutDown() {
    return shutDown;
  }

  /** Finishes the held task with this id (the only one, or the one of {@code runId}). */
  void succeed(String taskId) {
    finish(find(taskId, null), true);
  }

  void fail(String taskId) {
    finish(find(taskId, null), false);
  }

  void succeed(String runId, String taskId) {
    finish(find(taskId, runId), true);
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public synchronized int openSlots() {
    return slots - held.size();
  }

  @Override
  public synchronized int queuedCount() {
    return held.size();
  }

  @Override
  public int runningCount() {
    return 0;
  }

  @Override
  public void execute(TaskInstance queued, Dag dag, DagRun run) {
    synchronized (this) {
      held.put(queued.key(), new Handed(queued, dag, run));
      handed.add(queued);
    }
    if (autoFinish != null) {
      finish(queued.key(), autoFinish.test(queued));
    }
  }

  /** Jobs the scheduler told it were declared dead, in order. */
  List<Long> fencedJobs() {
    return List.copyOf(fenced);
  }

  @Override
  public synchronized void fence(long job) {
    fenced.add(job);
    held.values().removeIf(h -> h.queued().lease().jobId() == job);
  }

  @Override
  public synchronized boolean isRunning(TaskInstanceKey key, int tryNumber) {
    Handed h = held.get(key);
    return h != null && h.queued().tryNumber() == tryNumber;
  }

  @Override
  public void shutdown(Duration grace) {
    shutDown = true;
  }

  private synchronized TaskInstanceKey find(String taskId, String runId) {
    List<TaskInstanceKey> keys = held.keySet().stream()
        .filter(k -> k.taskId().equals(taskId) && (runId == null || k.runId().equals(runId))).toList();
    if (keys.size() != 1) {
      throw new IllegalStateException("expected one held task '" + taskId + "', holding " + held.keySet());
    }
    return keys.get(0);
  }

  private void finish(TaskInstanceKey key, boolean success) {
    Handed h;
    synchronized (this) {
      h = held.remove(key);
    }
    TaskInstance running = h.queued().toRunning(clock.instant(), "fake-host");
    if (!runs.update(TaskChange.of(h.queued(), running))) {
      throw new IllegalStateException(key + " was changed while queued");
    }
    Duration delay = h.dag().task(key.taskId()).retryDelayBefore(running.tryNumber() + 1);
    if (!runs.update(TaskChange.of(running, running.toFinished(success, clock.instant(), delay, false)))) {
      throw new IllegalStateException(key + " was changed while running");
    }
    onFinished.accept(key);
  }
}
