package io.contrail.telemetry.traces;

import io.contrail.executor.TaskLogs;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Json;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * With {@code [logs] otel_on}: after an attempt ends, its log file's lines become OTel log
 * records carrying the attempt span's context (so a backend shows them on that span). Done on a
 * background thread; at most {@link #MAX_LINES} lines per attempt.
 */
final class AttemptLogs implements AutoCloseable {
  static final int MAX_LINES = 10_000;
  private final Logger logger;
  private final RunStore runs;
  private final Path logsRoot;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "contrail-attempt-logs");
    t.setDaemon(true);
    return t;
  });
  private final SdkLoggerProvider provider;
  private final SecretsMasker masker;

  /** @param masker masks each line again as it becomes a record (logs written before masking existed) */
  AttemptLogs(SdkLoggerProvider provider, RunStore runs, Path logsRoot, SecretsMasker masker) {
    this.provider = provider;
    this.masker = masker;
    this.logger = provider.loggerBuilder(io.contrail.telemetry.ContrailResource.SCOPE)
        .setInstrumentationVersion(io.contrail.telemetry.ContrailResource.VERSION).build();
    this.runs = runs;
    this.logsRoot = logsRoot;
  }

  void ship(TaskInstance ti, TaskAttempt attempt) {
    thread.execute(() -> {
      try {
        runs.findRun(ti.key().runKey()).filter(r -> r.sampled()).ifPresent(run -> emit(run, ti, attempt));
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(AttemptLogs.class).warn("cannot export the log of {}: {}", ti.key(), e.toString());
      }
    });
  }

  private void emit(DagRun run, TaskInstance ti, TaskAttempt attempt) {
    learnConf(run);
    Path file = TaskLogs.attemptLog(logsRoot, ti.key(), attempt.tryNumber());
    Context ctx = TraceContexts.remoteParent(run.trace().traceId(), attempt.spanId(), ti.trace().flags());
    Instant at = attempt.endDate() != null ? attempt.endDate() : Instant.now();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null && n++ < MAX_LINES) {
        logger.logRecordBuilder().setContext(ctx).setTimestamp(at).setSeverity(Severity.INFO)
            .setBody(ValueLimits.truncate(masker.mask(line)))
            .setAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("contrail.task_id"), ti.taskId())
            .setAttribute(io.opentelemetry.api.common.AttributeKey.longKey("contrail.try_number"), (long) attempt.tryNumber())
            .emit();
      }
    } catch (IOException e) {
      LoggerFactory.getLogger(AttemptLogs.class).debug("no log for {}: {}", ti.key(), e.toString());
    }
  }

  /**
   * A shell task's output is in the file as it printed it (masked where read): the run's conf
   * secrets are learnt here too, for a try this process did not run (one adopted after a crash).
   */
  private void learnConf(DagRun run) {
    if (run.spec().conf() == null) {
      return;
    }
    try {
      masker.addAll(Json.readObject(run.spec().conf()));
    } catch (RuntimeException unreadable) {
      // a conf that is not a JSON object has no keys to go by; the text rules still apply
    }
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(10));
  }

  /** Ships what is queued and flushes, waiting at most {@code wait} in all (a stopping process must not hang). */
  void close(java.time.Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    thread.shutdown();
    try {
      thread.awaitTermination(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    provider.forceFlush().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
  }
}
