package io.contrail.executor;

import io.contrail.api.TaskSpec;

/** The work of one task type on its spec; throws InterruptedException when the executor shuts down. */
interface TaskBody<S extends TaskSpec> {
  Outcome run(AttemptContext ctx, S spec) throws InterruptedException;
}
