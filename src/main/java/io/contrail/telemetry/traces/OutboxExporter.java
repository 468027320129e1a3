package io.contrail.telemetry.traces;

import io.contrail.run.RunKey;
import io.contrail.storage.SpanOutbox;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships finished spans from the database outbox to the collector on its own thread. Woken by
 * every finished run, task or attempt, it waits a moment ({@code linger}) so that what finishes
 * together goes in one request, then claims batches for its job, builds their spans, exports them
 * and deletes the rows once the collector accepted them — until the outbox is empty.
 *
 * <p>A refused or unreachable export releases the batch and backs off (0.5 s doubling to 30 s).
 * An export that timed out may have reached the collector: the batch is released with its
 * timeout count raised and is sent again with the timeout doubled, so a collector that answers
 * late, but answers, gets a span at most twice. Memory stays one batch, however long the
 * collector is away. Stopping waits for the outbox at most the flush timeout; what is left stays
 * in the database for the next process.
 */
public final class OutboxExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxExporter.class);

  /** Tuning; {@link #defaults()} suits a scheduler. */
  public record Options(int batchSize, Duration linger, Duration pollInterval, Duration leaseMargin,
      Duration initialBackoff, Duration maxBackoff) {
    public static Options defaults() {
      return new Options(512, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10),
          Duration.ofMillis(500), Duration.ofSeconds(30));
    }
  }

  /**
   * Counters for the metrics backend: spans waiting in the database (as of the last pass), spans
   * exported and failed export calls by this process.
   */
  public record Stats(long pendingSpans, long exportedSpans, long exportFailures) {}

  private final SpanOutbox outbox;
  private final SpanBatches batches;
  private final DeliveryExporters exporters;
  private final Clock clock;
  private final Options options;
  private final String owner;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  private final ExportBackoff backoff;
  private final OutboxThread thread;
  private volatile Long jobId;

  OutboxExporter(SpanOutbox outbox, SpanBatches batches, DeliveryExporters exporters, Clock clock, Options options) {
    this.outbox = outbox;
    this.batches = batches;
    this.exporters = exporters;
    this.clock = clock;
    this.options = options;
    this.owner = "pid" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    this.backoff = new ExportBackoff(clock, options.initialBackoff(), options.maxBackoff(), LOG, "span");
    this.thread = new OutboxThread("span outbox", clock, options.pollInterval(), options.linger(), backoff, LOG,
        "the spans stay in the database", this::drain, token -> outbox.release(token, true));
  }

  /** Starts the background thread. */
  public OutboxExporter start() {
    thread.start();
    return this;
  }

  /**
   * From now on batches are claimed for this job, so that declaring the job dead releases them
   * at once; before, a claim is held by its lease alone.
   */
  public void claimFor(long job) {
    this.jobId = job;
  }

  /** Something finished: look at the outbox soon rather than at the next poll. */
  public void poke() {
    thread.poke();
  }

  public Stats stats() {
    return new Stats(pending.get(), exported.get(), backoff.failures());
  }

  /** Whether the latest export was refused, unreachable or unanswered. */
  boolean lastExportFailed() {
    return backoff.lastFailed();
  }

  /** Exports batches until the outbox is empty or an export fails; returns the spans exported. */
  public int drain() {
    return drain(null);
  }

  /** @param deadline when to stop (null: none) */
  private int drain(Instant deadline) {
    int total = 0;
    while (deadline == null || clock.instant().isBefore(deadline)) {
      int n = exportOneBatch(deadline);
      if (n <= 0) {
        break;
      }
      total += n;
    }
    pending.set(outbox.pending());
    return total;
  }

  /** @return outbox rows shipped (or dropped: their run is gone), 0 when none is pending, -1 when the export failed */
  int exportOneBatch(Instant deadline) {
    String token = owner + ":" + UUID.randomUUID();
    SpanOutbox.Batch batch = outbox.claim(jobId, token, options.batchSize(), clock.instant(),
        timeouts -> exporters.timeout(timeouts).plus(options.leaseMargin()));
    if (batch.claimed() == 0) {
      return 0;
    }
    List<SpanData> spans;
    try {
      spans = batches.build(batch);
    } catch (RuntimeException e) {
      outbox.release(token, false);
      throw e;
    }
    if (spans.isEmpty()) {
      outbox.delete(token); // every row's run was deleted
      return batch.claimed();
    }
    // a process frozen after its claim (SIGSTOP, a long pause) may wake to find the rows gone to
    // another process — its job declared dead, or its lease over: sending them would repeat them
    if (outbox.claimedUnder(token) < batch.claimed()) {
      outbox.release(token, false);
      LOG.info("{} span(s) claimed by this process were taken over by another while it was paused; not sent from here",
          spans.size());
      return batch.claimed();
    }
    Duration wait = exporters.timeout(batch.timeouts());
    if (deadline != null) {
      wait = min(wait, Duration.between(clock.instant(), deadline));
    }
    thread.inFlight(token);
    DeliveryExporters.Outcome outcome;
    try {
      outcome = exporters.export(spans, batch.timeouts(), wait);
    } finally {
      thread.inFlight(null);
    }
    if (outcome == DeliveryExporters.Outcome.SENT) {
      outbox.delete(token);
      exported.addAndGet(spans.size());
      backoff.succeeded();
      return batch.claimed();
    }
    boolean timedOut = outcome == DeliveryExporters.Outcome.TIMED_OUT;
    outbox.release(token, timedOut);
    backoff.failed(timedOut, "the spans stay in the database");
    return -1;
  }

  /** Spans of one run's finished rows, for {@code traces export}: the same spans the outbox sends. */
  public List<SpanData> spansOf(RunKey key) {
    return batches.build(outbox.finishedRows(key));
  }

  /** Exports spans once at the base timeout (for {@code traces export}); true when they were accepted. */
  public boolean export(List<SpanData> spans) {
    return exporters.export(spans, 0, exporters.timeout(0)) == DeliveryExporters.Outcome.SENT;
  }

  /**
   * Stops the thread and exports what is left until {@code flushTimeout} has passed — never
   * longer, whatever the collector does. A batch still in flight then is released (it may have
   * arrived: the next process sends it again); everything else stays in the database for the next
   * process or {@code traces export}. Returns the spans still waiting in the database.
   */
  public long close(Duration flushTimeout) {
    Instant deadline = clock.instant().plus(flushTimeout);
    try {
      if (thread.stop(deadline)) {
        drain(deadline);
      }
      return outbox.pending();
    } catch (RuntimeException e) {
      LOG.warn("final span export failed: {}", e.toString());
      return -1;
    } finally {
      exporters.close();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
