package io.contrail.executor;

import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;

/**
 * How an executor records a task instance's state changes: a compare-and-set of {@code next} over
 * {@code current}, with the attempt row written in the same transaction (null for none).
 */
@FunctionalInterface
public interface StateWriter {
  boolean write(TaskInstance current, TaskInstance next, TaskAttempt attempt);
}
