package io.contrail.executor;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunSpec;
import io.contrail.run.RunTrace;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskProfile;
import io.contrail.run.TraceContext;
import io.contrail.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Airflow's {@code tasks test}: runs one task of a DAG now, in this process, ignoring its
 * dependencies and storing no state — no run, no task instance, no span — with its log printed as
 * it is written. The result is the task's exit code (a shell task's own; 0 or 1 for the others).
 */
public final class TaskTester {
  /** How the try ended: its exit code and the attempt as it would have been recorded. */
  public record Result(int exitCode, TaskAttempt attempt) {}

  private final Clock clock;
  private final AttemptSettings settings;
  private final Supplier<ClassLoader> taskClassLoader;

  public TaskTester(Clock clock, AttemptSettings settings, Supplier<ClassLoader> taskClassLoader) {
    this.clock = clock;
    this.settings = settings;
    this.taskClassLoader = taskClassLoader;
  }

  /** Runs {@code taskId} once for a run at {@code logicalDate} with {@code conf} (JSON object or null). */
  public Result test(Dag dag, String taskId, Instant logicalDate, String conf, OutputStream out) {
    TaskDefinition task = dag.task(taskId);
    Instant now = clock.instant();
    Instant date = logicalDate == null ? now : logicalDate;
    DagRun run = DagRun.queued(new RunKey(dag.dagId(), "test__" + date), new RunSpec(RunType.MANUAL, date, date, date,
        conf), now, new RunTrace(TraceContext.newTrace(0), null, null));
    TaskInstance queued = TaskInstance.create(new TaskInstanceKey(dag.dagId(), run.runId(), taskId),
        new TaskProfile(task.type(), task.queueing().pool(), task.queueing().poolSlots(), 1), 1, 0)
        .toScheduled(now).toQueued(now, -1);
    Path logs;
    try {
      logs = Files.createTempDirectory("contrail-tasks-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicReference<TaskChange> last = new AtomicReference<>();
    AttemptSettings local = new AttemptSettings(settings.executorName(), logs, settings.dagsFolder(),
        settings.hostname(), settings.extraEnv(), settings.propagator(), settings.masker(), settings.maxHandbacks(),
        settings.shellDirectExec());
    StateWriter nothingStored = change -> {
      last.set(change);
      return true;
    };
    AttemptRunner runner = new AttemptRunner(nothingStored, clock, Telemetry.NOOP, local, taskClassLoader, (k, ti) -> { });
    Path logFile = TaskLogs.attemptLog(logs, queued.key(), queued.tryNumber());
    LogTail tail = new LogTail(logFile, out);
    tail.start();
    try {
      runner.run(queued, dag, run, new java.util.concurrent.atomic.AtomicBoolean());
    } finally {
      tail.finish();
      delete(logs);
    }
    TaskAttempt attempt = last.get().attempt();
    Integer code = attempt.status().exitCode();
    boolean ok = attempt.state() == io.contrail.run.TaskState.SUCCESS;
    return new Result(code != null ? code : ok ? 0 : 1, attempt);
  }

  private static void delete(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }

  /** Copies what is appended to the log file to {@code out} while the task runs. */
  private static final class LogTail extends Thread {
    private final Path file;
    private final OutputStream out;
    private volatile boolean done;

    LogTail(Path file, OutputStream out) {
      super("contrail-tasks-test-log");
      setDaemon(true);
      this.file = file;
      this.out = out;
    }

    @Override
    public void run() {
      long offset = 0;
      while (true) {
        boolean last = done;
        offset = copyFrom(offset);
        if (last) {
          return;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private long copyFrom(long offset) {
      if (!Files.exists(file)) {
        return offset;
      }
      try (InputStream in = Files.newInputStream(file)) {
        in.skipNBytes(offset);
        long copied = in.transferTo(out);
        out.flush();
        return offset + copied;
      } catch (IOException e) {
        return offset;
      }
    }

    void finish() {
      done = true;
      try {
        join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
