package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.TaskInstance;
import io.contrail.run.TraceContext;
import io.contrail.telemetry.TraceContexts;
import io.contrail.secrets.SecretsMasker;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Everything one try of a task needs: the task instance (running), its definition, the run, the
 * placeholder values, the environment for child processes, the log, and the time it may take.
 *
 * @param timeout execution_timeout, or null for none
 * @param attemptSpan the try's span, which the task's own spans and requests continue
 * @param propagator injects the attempt's span context into outgoing requests (OTEL_PROPAGATORS)
 * @param claim for tasks that start a process of their own: records the try as running with that
 *     process (null if it could not start) and says whether the try is still this executor's to
 *     run; the process must not start its work otherwise
 * @param masker the process's secrets masker: Contrail's own log lines mask with it; tasks register
 *     what they render
 */
record AttemptContext(TaskInstance ti, TaskDefinition task, Dag dag, DagRun run,
    Map<String, Object> placeholders, Map<String, String> env, Path logFile, PrintStream log,
    Path workingDir, Duration timeout, TraceContext attemptSpan, TextMapPropagator propagator,
    Predicate<ProcessIdentity> claim, SecretsMasker masker) {

  /** A Context with the attempt's span (as a remote parent), for Java tasks and propagators. */
  Context otelContext() {
    return TraceContexts.remoteParent(attemptSpan);
  }

  String render(String template) {
    return template == null ? null : io.contrail.dag.Placeholders.render(template, placeholders);
  }
}
