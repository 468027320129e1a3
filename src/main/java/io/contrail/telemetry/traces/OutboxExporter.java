package io.contrail.telemetry.traces;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.SpanOutbox;
import io.contrail.storage.StoredDag;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships finished spans from the database outbox to the exporter on its own thread: claims a
 * bounded batch, builds the spans from the rows, exports them, and marks them exported only once
 * the exporter accepted them. A failed export is released, logged, counted and retried with
 * capped exponential backoff; memory stays one batch however long the collector is away.
 */
public final class OutboxExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxExporter.class);

  /** Tuning; {@link #defaults()} suits a scheduler. */
  public record Options(int batchSize, Duration pollInterval, Duration exportTimeout, Duration lease,
      Duration initialBackoff, Duration maxBackoff) {
    public static Options defaults() {
      return new Options(200, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30),
          Duration.ofMillis(500), Duration.ofSeconds(30));
    }
  }

  /**
   * Counters for the metrics backend: spans waiting in the database (as of the last pass), spans
   * exported and failed export calls by this process.
   */
  public record Stats(long pendingSpans, long exportedSpans, long exportFailures) {}

  private final SpanOutbox outbox;
  private final RunStore runs;
  private final DagStore dags;
  private final SpanMapper mapper;
  private final SpanExporter exporter;
  private final Clock clock;
  private final Options options;
  private final String owner;
  private final Semaphore pokes = new Semaphore(0);
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean stopping;
  private Thread thread;
  private int consecutiveFailures;
  private Instant retryAt = Instant.EPOCH;

  OutboxExporter(SpanOutbox outbox, RunStore runs, DagStore dags, SpanMapper mapper,
      SpanExporter exporter, Clock clock, Options options) {
    this.outbox = outbox;
    this.runs = runs;
    this.dags = dags;
    this.mapper = mapper;
    this.exporter = exporter;
    this.clock = clock;
    this.options = options;
    this.owner = "pid" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Starts the background thread. */
  public synchronized OutboxExporter start() {
    if (thread == null) {
      thread = new Thread(this::loop, "contrail-span-outbox");
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  /** Something finished: look at the outbox now rather than at the next poll. */
  public void poke() {
    if (pokes.availablePermits() == 0) {
      pokes.release();
    }
  }

  public Stats stats() {
    return new Stats(pending.get(), exported.get(), failures.get());
  }

  private void loop() {
    while (!stopping) {
      try {
        long waitMs = Math.max(1, Math.min(options.pollInterval().toMillis(),
            Duration.between(clock.instant(), retryAt).toMillis()));
        pokes.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        pokes.drainPermits();
        if (stopping || clock.instant().isBefore(retryAt)) {
          continue;
        }
        drain();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a database hiccup: count it like an export failure and back off
        LOG.warn("span outbox pass failed: {}", e.toString());
        backOff();
      }
    }
  }

  /** Exports batches until the outbox is empty or an export fails; returns the spans exported. */
  public int drain() {
    int total = 0;
    while (!Thread.currentThread().isInterrupted()) {
      int n = exportOneBatch();
      if (n <= 0) {
        pending.set(outbox.pending());
        return total;
      }
      total += n;
    }
    return total;
  }

  /** @return spans exported, 0 when nothing was pending, -1 when the export failed */
  int exportOneBatch() {
    String token = owner + ":" + UUID.randomUUID();
    SpanOutbox.Batch batch = outbox.claim(token, options.batchSize(), clock.instant(), options.lease());
    if (batch.size() == 0) {
      return 0;
    }
    List<SpanData> spans;
    try {
      spans = build(batch);
    } catch (RuntimeException e) {
      outbox.release(token);
      throw e;
    }
    if (export(spans)) {
      outbox.markExported(token, clock.instant());
      exported.addAndGet(spans.size());
      if (consecutiveFailures > 0) {
        LOG.info("span export works again after {} failed attempt(s)", consecutiveFailures);
      }
      consecutiveFailures = 0;
      return spans.size();
    }
    outbox.release(token);
    backOff();
    return -1;
  }

  /** Sends spans and waits for the exporter's verdict (bounded); never throws. */
  public boolean export(List<SpanData> spans) {
    try {
      CompletableResultCode result = exporter.export(spans);
      result.join(options.exportTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return result.isDone() && result.isSuccess();
    } catch (RuntimeException e) {
      LOG.debug("span exporter threw", e);
      return false;
    }
  }

  private void backOff() {
    failures.incrementAndGet();
    consecutiveFailures++;
    long base = options.initialBackoff().toMillis();
    long delay = Math.min(options.maxBackoff().toMillis(), base << Math.min(consecutiveFailures - 1, 16));
    retryAt = clock.instant().plusMillis(delay);
    if (consecutiveFailures == 1 || Integer.bitCount(consecutiveFailures) == 1) {
      LOG.warn("span export failed ({} in a row); spans stay in the database and are retried in {} ms",
          consecutiveFailures, delay);
    }
  }

  /** Builds the claimed rows' spans (live rows and the segments clears kept), loading each run's context once. */
  List<SpanData> build(SpanOutbox.Batch batch) {
    Map<RunKey, RunContext> contexts = new HashMap<>();
    List<SpanData> out = new ArrayList<>(batch.size());
    for (DagRun run : batch.runs()) {
      context(contexts, run.key()).ifPresent(c -> out.add(mapper.runSpan(run, c.events)));
    }
    for (TaskInstance ti : batch.tasks()) {
      context(contexts, ti.key().runKey()).ifPresent(c -> out.add(taskSpan(c, ti)));
    }
    for (TaskAttempt at : batch.attempts()) {
      context(contexts, at.key().runKey()).ifPresent(c -> {
        TaskInstance ti = c.tasks.get(at.taskId());
        if (ti != null) {
          out.add(mapper.attemptSpan(at, ti, c.run, c.events));
        }
      });
    }
    return out;
  }

  /** Spans of one run, for {@code traces export}: every segment, task_run span and attempt that ended. */
  public List<SpanData> spansOf(RunKey key) {
    Map<RunKey, RunContext> contexts = new HashMap<>();
    return context(contexts, key).map(c -> {
      List<SpanData> out = new ArrayList<>();
      for (DagRun segment : runs.runSegments(key)) {
        out.add(mapper.runSpan(segment, c.events));
      }
      if (c.run.state().isFinished()) {
        out.add(mapper.runSpan(c.run, c.events));
      }
      for (TaskInstance ti : c.siblings) {
        if (ti.state().isFinished() || c.tasks.get(ti.taskId()) != ti) {
          out.add(taskSpan(c, ti));
        }
      }
      for (TaskInstance ti : c.tasks.values()) {
        for (TaskAttempt at : c.attempts.getOrDefault(ti.taskId(), List.of())) {
          if (at.endDate() != null && at.state().isFinished()) {
            out.add(mapper.attemptSpan(at, ti, c.run, c.events));
          }
        }
      }
      return out;
    }).orElse(List.of());
  }

  /** A task_run span with the tries that belong to it (a cleared task instance's earlier tries belong to its earlier span). */
  private SpanData taskSpan(RunContext c, TaskInstance ti) {
    TaskInstance current = c.tasks.get(ti.taskId());
    String currentSpan = current == null ? ti.trace().spanId() : current.trace().spanId();
    List<TaskAttempt> own = c.attempts.getOrDefault(ti.taskId(), List.of()).stream()
        .filter(a -> a.taskSpanIdOr(currentSpan).equals(ti.trace().spanId())).toList();
    return mapper.taskSpan(ti, c.run, c.dag, c.siblings, own, c.events);
  }

  /**
   * What spans of one run are built from: the run, its DAG, its task instances (and, after them,
   * the task_run spans clears replaced), its attempts by task, and its stored span events.
   */
  private record RunContext(DagRun run, Dag dag, Map<String, TaskInstance> tasks, List<TaskInstance> siblings,
      Map<String, List<TaskAttempt>> attempts, List<io.contrail.run.SpanEvent> events) {}

  private Optional<RunContext> context(Map<RunKey, RunContext> cache, RunKey key) {
    if (!cache.containsKey(key)) {
      RunContext c = runs.findRun(key).map(run -> {
        Dag dag = dags.find(key.dagId()).map(StoredDag::dag).orElse(null);
        Map<String, TaskInstance> tasks = new java.util.LinkedHashMap<>();
        runs.taskInstances(key).forEach(ti -> tasks.put(ti.taskId(), ti));
        List<TaskInstance> siblings = new ArrayList<>(tasks.values());
        siblings.addAll(runs.taskSegments(key));
        Map<String, List<TaskAttempt>> attempts = runs.attempts(key).stream()
            .collect(Collectors.groupingBy(TaskAttempt::taskId));
        return new RunContext(run, dag, tasks, siblings, attempts, runs.spanEvents(key));
      }).orElse(null);
      cache.put(key, c);
    }
    return Optional.ofNullable(cache.get(key));
  }

  /**
   * Stops the thread, then exports what is left for at most {@code flushTimeout} (what does not
   * make it stays in the database for the next process or {@code traces export}).
   */
  public void close(Duration flushTimeout) {
    stopping = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      // no interrupt: an interrupted JDBC or file channel call can break the embedded database
      pokes.release();
      try {
        t.join(options.exportTimeout().toMillis() + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    Instant deadline = clock.instant().plus(flushTimeout);
    try {
      while (clock.instant().isBefore(deadline)) {
        int n = exportOneBatch();
        if (n <= 0) {
          break;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("final span export failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
