package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.api.HttpSpec;
import io.contrail.api.JavaSpec;
import io.contrail.api.NoopSpec;
import io.contrail.api.ShellSpec;
import io.contrail.api.SleepSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.operations.RunSecrets;
import io.contrail.run.AttemptStatus;
import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.ProcessIdentity;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TraceContext;
import io.contrail.secrets.MaskingOutputStream;
import io.contrail.security.PrivateFiles;
import io.contrail.storage.Json;
import io.contrail.telemetry.Telemetry;
import io.contrail.telemetry.TraceContexts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one try of a task instance: queued -> running in the database (with its attempt row, and
 * for a shell task the identity of its process, before the command starts), the task's work with
 * its log and timeout, then running -> success, failed or up_for_retry. Each step is a
 * compare-and-set written in the name of the job that owns the try, so a task recovered by another
 * scheduler meanwhile, or owned by a job declared dead, is left alone. At the end
 * {@code onFinished} is told the task instance as stored (null when another process changed it),
 * so the scheduler can advance the run without reading it again.
 */
final class AttemptRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptRunner.class);

  private final StateWriter writer;
  private final Clock clock;
  private final Telemetry telemetry;
  private final AttemptSettings settings;
  private final BiConsumer<TaskInstanceKey, TaskInstance> onFinished;
  private final Map<Class<? extends TaskSpec>, TaskBody<?>> bodies = new HashMap<>();

  AttemptRunner(StateWriter writer, Clock clock, Telemetry telemetry, AttemptSettings settings,
      Supplier<ClassLoader> taskClassLoader, BiConsumer<TaskInstanceKey, TaskInstance> onFinished) {
    this.writer = writer;
    this.clock = clock;
    this.telemetry = telemetry;
    this.settings = settings;
    this.onFinished = onFinished;
    bodies.put(NoopSpec.class, (TaskBody<NoopSpec>) (ctx, spec) -> Outcome.ok(null));
    bodies.put(SleepSpec.class, new SleepTask());
    bodies.put(ShellSpec.class, new ShellTask(settings.shellDirectExec()));
    bodies.put(HttpSpec.class, new HttpTask());
    bodies.put(JavaSpec.class, new JavaTask(taskClassLoader));
  }

  /**
   * Runs the attempt to its end; returns false when another process owns the task instance. Once
   * {@code stopped} is set (the owning job was declared dead, or another process cleared, marked
   * or deleted the task instance) nothing more is written for it.
   */
  boolean run(TaskInstance queued, Dag dag, DagRun run, AtomicBoolean stopped) {
    // component log lines written while the attempt runs carry its trace context
    MDC.put("trace_id", run.trace().traceId());
    MDC.put("span_id", queued.trace().attemptSpanId());
    try {
      return new Try(queued, dag, run, stopped).run();
    } finally {
      MDC.remove("trace_id");
      MDC.remove("span_id");
    }
  }

  /** One try: claimed (recorded as running) once, then run, then finished — or given up. */
  private final class Try {
    final TaskInstance queued;
    final Dag dag;
    final DagRun run;
    final AtomicBoolean stopped;
    final TaskDefinition task;
    final long owner;
    Path logFile;
    PrintStream log;
    TaskInstance current;
    /** The process a body started after its try was recorded running (a shell command run directly). */
    ProcessIdentity launched;

    Try(TaskInstance queued, Dag dag, DagRun run, AtomicBoolean stopped) {
      this.queued = queued;
      this.dag = dag;
      this.run = run;
      this.stopped = stopped;
      this.task = dag.taskIndex().get(queued.taskId());
      this.owner = queued.lease().jobId();
    }

    /**
     * queued -> running, with the task's own process if it has one, written in the owner's name:
     * refused when another process took the try over or the owner was declared dead. Once the try
     * is running, a process given is the one the body started since (recorded with the attempt
     * when it ends): true while the try has not been stopped.
     */
    boolean claim(ProcessIdentity process) {
      if (current != null || stopped.get()) {
        if (current != null && process != null) {
          launched = process;
        }
        return current != null && !stopped.get();
      }
      TaskInstance running = queued.toRunning(clock.instant(), settings.hostname(), process);
      if (!writer.write(new TaskChange(queued, running, TaskAttempt.started(running, settings.executorName())).by(owner))) {
        LOG.info("{} try {} was taken over by another process; not running it", queued.key(), queued.tryNumber());
        return false;
      }
      current = running;
      telemetry.taskStateChanged(queued, running);
      if (log == null) {
        return true; // a noop task, or the log could not be opened (the try fails with that reason)
      }
      log.printf("[contrail] %s %s try %d of %d on %s started %s%n", running.key(), running.profile().taskType(),
          running.tryNumber(), running.tries().max(), settings.hostname(), running.times().startDate());
      log.flush();
      return true;
    }

    boolean run() {
      if (task != null && task.spec() instanceof NoopSpec) {
        // runs no code, so it writes no log (TaskProfile.writesNoLog): no folder and file per try
        if (!claim(null)) {
          return false;
        }
        finish(current, task, Outcome.ok(null), null, false);
        return true;
      }
      // the run may have been created by another process: its secrets are learnt before the first line
      RunSecrets.registerForTry(settings.masker(), run, task);
      try {
        logFile = TaskLogs.attemptLog(settings.logsRoot(), queued.key(), queued.tryNumber());
        PrivateFiles.createDirectories(logFile.getParent());
      } catch (IllegalArgumentException | IOException e) {
        if (!claim(null)) {
          return false;
        }
        finish(current, task, Outcome.failed(null, "cannot write the attempt's log: " + e.getMessage()), null, false);
        return true;
      }
      Outcome outcome;
      boolean interrupted = false;
      try (PrintStream out = new PrintStream(maskedLog(), true, StandardCharsets.UTF_8)) {
        log = out;
        TaskBody<?> body = task == null ? null : bodies.get(task.spec().getClass());
        if (body == null || !body.startsProcess()) {
          if (!claim(null)) {
            return false;
          }
        }
        if (task == null) {
          outcome = Outcome.failed(null, "task '" + queued.taskId() + "' is no longer in DAG '" + dag.dagId() + "'");
        } else if (body == null) {
          outcome = Outcome.failed(null, "this executor cannot run " + task.spec().type() + " tasks");
        } else {
          try {
            outcome = body(task.spec(), context(queued, task, dag, run, logFile, out, this::claim));
          } catch (InterruptedException e) {
            interrupted = true;
            outcome = Outcome.failed(null, "interrupted: the executor shut down; handed back for another try");
          } catch (RuntimeException e) {
            outcome = Outcome.failed(e);
          }
          if (current == null) {
            return false; // the body gave the try up before it started: not ours
          }
          if (outcome == null) {
            outcome = Outcome.failed(null, "the task stopped before it finished");
          }
        }
        if (stopped.get()) {
          out.printf("[contrail] stopped: its job was declared dead, or another process (a user) changed the"
              + " task instance; its process group was killed%n");
        } else {
          out.printf("[contrail] %s after %dms%s%n", outcome.success() ? "succeeded" : "failed",
              Duration.between(current.times().startDate(), clock.instant()).toMillis(),
              outcome.error() == null ? "" : ": " + outcome.error());
        }
      } catch (IOException e) {
        if (current == null && !claim(null)) {
          return false;
        }
        outcome = Outcome.failed(null, "cannot write log " + logFile + ": " + e.getMessage());
      }
      if (stopped.get()) {
        // the owner was declared dead (its writes are refused; recovery records the try) or a user
        // changed the task instance (the operation recorded the try): nothing more to write
        LOG.warn("{} try {} of job {} stopped", queued.key(), queued.tryNumber(), owner);
        Thread.interrupted();
        onFinished.accept(queued.key(), null);
        return true;
      }
      Long pid = launched != null ? Long.valueOf(launched.pid()) : current.lease().pid();
      finish(current, task, outcome, pid, interrupted);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return true;
    }

    /**
     * The attempt's log file (0600), every line the executor writes stamped with its time (see
     * {@link LogLines}) and masked on its way in.
     */
    private StampingOutputStream maskedLog() throws IOException {
      return new StampingOutputStream(new MaskingOutputStream(PrivateFiles.append(logFile), settings.masker()::mask),
          clock, LogLines.Stream.STDOUT);
    }

    @SuppressWarnings("unchecked")
    private <S extends TaskSpec> Outcome body(S spec, AttemptContext ctx) throws InterruptedException {
      return ((TaskBody<S>) bodies.get(spec.getClass())).run(ctx, spec);
    }

    private void finish(TaskInstance running, TaskDefinition task, Outcome outcome, Long pid, boolean interrupted) {
      Instant end = clock.instant();
      Duration delay = task == null || interrupted ? Duration.ZERO : task.retryDelayBefore(running.tryNumber() + 1);
      boolean overLimit = interrupted && running.tries().handbacks() >= settings.maxHandbacks();
      if (overLimit) {
        outcome = Outcome.failed(outcome.exitCode(), "handed back at " + running.tries().handbacks()
            + " graceful stops already ([scheduler] max_handbacks = " + settings.maxHandbacks()
            + "): failed instead of being restarted again; clear it to run it once more");
      }
      TaskInstance finished = overLimit ? running.toFailedForGood(end)
          : running.toFinished(outcome.success(), end, delay, interrupted);
      // the reason is shown by the CLI, spans and the API: it is stored masked
      AttemptStatus status = outcome.success() ? AttemptStatus.succeeded(outcome.exitCode())
          : AttemptStatus.failed(outcome.exitCode(), settings.masker().mask(errorText(outcome)));
      TaskAttempt attempt = TaskAttempt.started(running, settings.executorName()).finished(status, pid, end);
      // a hand-back is not a retry: it calls no callback
      List<CallbackRequest> callbacks = interrupted && !overLimit ? List.of()
          : CallbackRequests.requested(task, finished, attempt, run.trace().traceId(), end);
      boolean stored = writer.write(new TaskChange(running, finished, attempt).withCallbacks(callbacks).by(owner));
      if (stored) {
        telemetry.taskStateChanged(running, finished);
        telemetry.attemptFinished(finished, attempt);
        LOG.info("{} try {}: {}{}", running.key(), running.tryNumber(), finished.state().id(),
            outcome.error() == null ? "" : " (" + outcome.error() + ")");
      } else {
        LOG.warn("{} try {} finished but its state had been changed by another process", running.key(), running.tryNumber());
      }
      onFinished.accept(running.key(), stored ? finished : null);
    }
  }

  /** The failure reason; for a thrown exception "type: message" followed by its stack trace. */
  private static String errorText(Outcome outcome) {
    if (outcome.exception() == null) {
      return outcome.error();
    }
    java.io.StringWriter trace = new java.io.StringWriter();
    outcome.exception().printStackTrace(new java.io.PrintWriter(trace));
    String text = trace.toString().stripTrailing();
    return text.startsWith(outcome.error()) ? text : outcome.error() + "\n" + text;
  }

  private AttemptContext context(TaskInstance ti, TaskDefinition task, Dag dag, DagRun run, Path logFile,
      PrintStream log, Predicate<ProcessIdentity> claim) {
    Map<String, Object> values = placeholders(run, ti.taskId(), ti.tryNumber());
    TraceContext attemptSpan = new TraceContext(run.trace().traceId(), ti.trace().attemptSpanId(), ti.trace().flags());
    Map<String, String> env = environment(settings, run, ti.taskId(), ti.tryNumber(),
        TraceContexts.traceparent(attemptSpan));
    if (task.spec() instanceof ShellSpec shell) {
      shell.env().forEach((k, v) -> {
        String rendered = io.contrail.dag.Placeholders.render(v, values);
        settings.masker().addNamed(k, rendered);
        env.put(k, rendered);
      });
    }
    return new AttemptContext(ti, task, dag, run, values, env, logFile, log, workingDir(settings, dag),
        task.executionTimeout(), attemptSpan, settings.propagator(), claim, settings.masker());
  }

  /** The placeholders of a try (or a callback) of {@code taskId} in {@code run}: ds, logical_date, run_id ... */
  static Map<String, Object> placeholders(DagRun run, String taskId, int tryNumber) {
    Instant logicalDate = run.spec().logicalDate();
    Map<String, Object> values = new HashMap<>();
    values.put("ds", ds(logicalDate));
    values.put("logical_date", logicalDate.toString());
    values.put("run_id", run.runId());
    values.put("dag_id", run.dagId());
    values.put("task_id", taskId == null ? "" : taskId);
    values.put("try_number", tryNumber);
    values.put("conf", Json.readObject(run.spec().conf()));
    return values;
  }

  /** The variables a child process gets: the executor's, the CONTRAIL_* ids and TRACEPARENT (when known). */
  static Map<String, String> environment(AttemptSettings settings, DagRun run, String taskId, int tryNumber,
      String traceparent) {
    Instant logicalDate = run.spec().logicalDate();
    Map<String, String> env = new HashMap<>(settings.extraEnv());
    env.put("CONTRAIL_DAG_ID", run.dagId());
    env.put("CONTRAIL_RUN_ID", run.runId());
    env.put("CONTRAIL_TASK_ID", taskId == null ? "" : taskId);
    env.put("CONTRAIL_TRY_NUMBER", String.valueOf(tryNumber));
    env.put("CONTRAIL_LOGICAL_DATE", logicalDate.toString());
    env.put("CONTRAIL_DS", ds(logicalDate));
    if (traceparent != null) {
      env.put("TRACEPARENT", traceparent);
    }
    return env;
  }

  private static String ds(Instant logicalDate) {
    return DateTimeFormatter.ISO_LOCAL_DATE.format(logicalDate.atZone(java.time.ZoneOffset.UTC));
  }

  /** Shell commands run in the DAG file's folder, so {@code ./script.sh} beside the YAML works. */
  static Path workingDir(AttemptSettings settings, Dag dag) {
    Path file = Path.of(dag.fileloc());
    Path parent = file.isAbsolute() ? file.getParent() : null;
    if (parent != null && Files.isDirectory(parent)) {
      return parent;
    }
    // DAGs without a folder of their own (bundled examples, Java DAGs) run in dags_folder, which
    // may not exist yet when no scheduler has scanned it
    return Files.isDirectory(settings.dagsFolder()) ? settings.dagsFolder() : Path.of("").toAbsolutePath();
  }
}
