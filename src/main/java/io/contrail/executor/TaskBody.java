package io.contrail.executor;

/** The work of one task type; throws InterruptedException when the executor shuts down. */
interface TaskBody {
  Outcome run(AttemptContext ctx) throws InterruptedException;
}
