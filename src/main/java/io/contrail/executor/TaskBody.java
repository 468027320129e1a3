package io.contrail.executor;

import io.contrail.api.TaskSpec;

/**
 * The work of one task type on its spec; throws InterruptedException when the executor shuts down
 * or stops the try. Returns null when it gave the try up because {@link AttemptContext#claim}
 * said it is no longer this executor's.
 */
interface TaskBody<S extends TaskSpec> {
  Outcome run(AttemptContext ctx, S spec) throws InterruptedException;

  /**
   * Whether the body starts a process of its own and records the try as running itself, through
   * {@link AttemptContext#claim}, once it knows that process; otherwise the runner records it
   * before calling {@link #run}.
   */
  default boolean startsProcess() {
    return false;
  }
}
