package io.contrail.executor;

import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Builds the executors that run tasks in this process: {@code local} (a thread per running task,
 * up to parallelism) and {@code sequential} (one at a time). What a task needs to run is the same
 * for both, and for the distributed worker, which runs its claimed tries on a local executor.
 *
 * @param runs where handed-back task instances are returned before they start
 * @param writer records each try's state changes (the group commit in a scheduler)
 * @param taskClassLoader where java tasks' classes are loaded from
 */
public record LocalExecutors(RunStore runs, StateWriter writer, Clock clock, Telemetry telemetry,
    AttemptSettings settings, Supplier<ClassLoader> taskClassLoader) {
  /** How often running tries are checked for a stop by another process: a stop takes effect within it. */
  public static final java.time.Duration STOP_CHECK = java.time.Duration.ofMillis(500);


  /**
   * The scheduler's executor with {@code executor = distributed}: it only queues (workers claim the
   * queued rows), at most {@code parallelism} task instances queued or running on the database.
   */
  public static Executor queueing(int parallelism, RunStore runs, java.util.function.Consumer<TaskInstance> queued) {
    return new QueueingExecutor(parallelism, runs, queued);
  }

  /**
   * An executor named {@code name} running up to {@code parallelism} tasks at once (one when the
   * name is sequential); {@code onFinished} hears of each try's end with the row as stored (null
   * when another process changed it).
   */
  public Executor create(String name, int parallelism, BiConsumer<TaskInstanceKey, TaskInstance> onFinished) {
    AttemptRunner runner = new AttemptRunner(QuietWrites.of(writer), clock, telemetry, settings, taskClassLoader, onFinished);
    return new LocalExecutor(name, "sequential".equals(name) ? 1 : parallelism, runner, runs, onFinished,
        STOP_CHECK);
  }
}
