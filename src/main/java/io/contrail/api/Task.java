package io.contrail.api;

/**
 * A task written in Java: the class named by a {@code type: java} task's {@code class:} key. It
 * needs a public no-argument constructor; throwing fails the attempt. It runs with the attempt's
 * trace context current, so spans it starts are children of the attempt span.
 */
@FunctionalInterface
public interface Task {
  void execute(TaskContext context) throws Exception;
}
