package io.contrail.executor;

import io.contrail.run.TaskChange;

/**
 * How an executor records a task instance's state changes: a compare-and-set of the change's
 * {@code after} over its {@code before}, with its attempt row written in the same transaction.
 */
@FunctionalInterface
public interface StateWriter {
  boolean write(TaskChange change);
}
