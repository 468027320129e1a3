package io.contrail.executor;

import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Everything one try of a task needs: the task instance (running), its definition, the run, the
 * placeholder values, the environment for child processes, the log, and the time it may take.
 *
 * @param timeout execution_timeout, or null for none
 * @param propagator injects the attempt's span context into outgoing requests (OTEL_PROPAGATORS)
 * @param onProcessStarted told the pid of a started child process (group leader)
 */
record AttemptContext(TaskInstance ti, TaskDefinition task, Dag dag, DagRun run,
    Map<String, Object> placeholders, Map<String, String> env, Path logFile, PrintStream log,
    Path workingDir, Duration timeout, String traceparent, TextMapPropagator propagator,
    LongConsumer onProcessStarted) {

  /** A Context with the attempt's span (as a remote parent), for Java tasks and propagators. */
  Context otelContext() {
    return JavaTask.attemptContext(traceparent);
  }

  String render(String template) {
    return template == null ? null : io.contrail.dag.Placeholders.render(template, placeholders);
  }
}
