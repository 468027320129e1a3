package io.contrail.telemetry.traces;

import io.contrail.executor.TaskLogs;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstanceKey;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.Json;
import io.contrail.storage.LogOutbox;
import io.contrail.storage.RunStore;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships log files to the collector through the {@link LogOutbox}, on its own thread, the way the
 * {@link OutboxExporter} ships spans: it claims rows of this host for its job, reads each file's
 * next lines from the offset the row holds (one batch: at most {@code maxRecords} records and
 * {@code maxBytes} bytes in memory), exports them, and only then advances the offsets — deleting
 * rows whose file is complete and shipped to its end — in one transaction. A refused export
 * leaves the offsets where they were and backs off (0.5 s doubling to 30 s); one that timed out is
 * sent again with the timeout doubled, so a collector that answers late gets a record at most
 * twice. Running attempts are tailed every {@code pollInterval}, so their lines leave while they
 * run. Spool files of component records are found by listing the spool folder.
 */
final class LogOutboxExporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogOutboxExporter.class);

  /** Tuning; {@link #defaults()} suits every role. */
  record Options(int rowsPerClaim, int maxRecords, int maxBytes, Duration pollInterval, Duration leaseMargin,
      Duration initialBackoff, Duration maxBackoff, Duration endGrace, int batchesPerPass) {
    static Options defaults() {
      return new Options(32, 2048, 4 << 20, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(500),
          Duration.ofSeconds(30), Duration.ofSeconds(2), 64);
    }
  }

  private final LogOutbox outbox;
  private final RunStore runs;
  private final Path logsRoot;
  private final Path spoolFolder;
  private final String host;
  private final LogDelivery delivery;
  private final SecretsMasker masker;
  private final Clock clock;
  private final Options options;
  private final LogRecords records;
  private final String owner;
  private final AtomicLong exported = new AtomicLong();
  private final ExportBackoff backoff;
  private final OutboxThread thread;
  private volatile Long jobId;

  LogOutboxExporter(LogOutbox outbox, RunStore runs, Path logsRoot, String host, LogDelivery delivery, Resource resource,
      SecretsMasker masker, Clock clock, Options options) {
    this.outbox = outbox;
    this.runs = runs;
    this.logsRoot = logsRoot;
    this.spoolFolder = logsRoot.resolve(ComponentSpool.FOLDER);
    this.host = host;
    this.delivery = delivery;
    this.masker = masker;
    this.clock = clock;
    this.options = options;
    this.records = new LogRecords(resource, masker, clock);
    this.owner = "logs-pid" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    this.backoff = new ExportBackoff(clock, options.initialBackoff(), options.maxBackoff(), LOG, "log");
    this.thread = new OutboxThread("log outbox", clock, options.pollInterval(), Duration.ZERO, backoff, LOG,
        "the lines stay in their files", this::drain, token -> outbox.release(token, true));
  }

  LogOutboxExporter start() {
    thread.start();
    return this;
  }

  void claimFor(long job) {
    this.jobId = job;
  }

  void poke() {
    thread.poke();
  }

  long exportedRecords() {
    return exported.get();
  }

  long exportFailures() {
    return backoff.failures();
  }

  boolean lastExportFailed() {
    return backoff.lastFailed();
  }

  private static final int NOTHING_CLAIMED = Integer.MIN_VALUE;

  /**
   * One pass over this host's rows (and new spool files): batches until every row was looked at
   * once or {@code deadline} (null: none) passes; returns the records exported, -1 when an export
   * failed.
   */
  int pass(Instant deadline) {
    discoverSpools();
    List<String> idle = new ArrayList<>();
    int total = 0;
    try {
      for (int i = 0; i < options.batchesPerPass() && (deadline == null || clock.instant().isBefore(deadline)); i++) {
        int n = exportOneBatch(deadline, idle);
        if (n == NOTHING_CLAIMED) {
          break;
        }
        if (n < 0) {
          return -1;
        }
        total += n;
      }
      return total;
    } finally {
      // rows without new lines stayed claimed under their token until now, so the pass moved on
      idle.forEach(t -> outbox.release(t, false));
    }
  }

  /**
   * Claims, reads, exports and records one batch. Returns the records shipped (0 when none were
   * read: the claim is then kept in {@code idle}, or committed when rows were complete), -1 when
   * the export failed, {@link #NOTHING_CLAIMED} when no row was left to claim.
   */
  private int exportOneBatch(Instant deadline, List<String> idle) {
    String token = owner + ":" + UUID.randomUUID();
    LogOutbox.Claim claim = outbox.claim(jobId, token, host, options.rowsPerClaim(), clock.instant(),
        timeouts -> delivery.timeout(timeouts).plus(options.leaseMargin()));
    if (claim.entries().isEmpty()) {
      return NOTHING_CLAIMED;
    }
    Read read;
    try {
      read = read(claim.entries());
    } catch (RuntimeException e) {
      records.take();
      outbox.release(token, false);
      throw e;
    }
    List<LogRecordData> batch = records.take();
    if (batch.isEmpty()) {
      if (read.done.isEmpty() && read.offsets.equals(read.before)) {
        idle.add(token);
      } else {
        finish(read);
        outbox.shipped(token, read.offsets, read.done);
      }
      return 0;
    }
    Duration wait = delivery.timeout(claim.timeouts());
    if (deadline != null) {
      Duration left = Duration.between(clock.instant(), deadline);
      wait = left.compareTo(wait) < 0 ? left : wait;
    }
    thread.inFlight(token);
    Delivery.Outcome outcome;
    try {
      outcome = delivery.export(batch, claim.timeouts(), wait);
    } finally {
      thread.inFlight(null);
    }
    if (outcome == Delivery.Outcome.SENT) {
      finish(read);
      outbox.shipped(token, read.offsets, read.done);
      exported.addAndGet(batch.size());
      backoff.succeeded();
      return batch.size();
    }
    boolean timedOut = outcome == Delivery.Outcome.TIMED_OUT;
    outbox.release(token, timedOut);
    backoff.failed(timedOut, "the lines stay in their files");
    return -1;
  }

  /** What a batch read: the offsets before and after, the rows complete, the spool files to delete. */
  private static final class Read {
    final Map<Long, Long> before = new HashMap<>();
    final Map<Long, Long> offsets = new LinkedHashMap<>();
    final Set<Long> done = new HashSet<>();
    final List<Path> spoolsToDelete = new ArrayList<>();
  }

  private record AttemptContext(DagRun run, TaskAttempt attempt) {}

  private Read read(List<LogOutbox.Entry> entries) {
    Read read = new Read();
    Instant now = clock.instant();
    Map<String, Optional<AttemptContext>> contexts = new HashMap<>();
    runsOfBatch.clear();
    int bytesLeft = options.maxBytes();
    for (LogOutbox.Entry e : entries) {
      read.before.put(e.id(), e.shippedBytes());
      read.offsets.put(e.id(), e.shippedBytes());
      int linesLeft = options.maxRecords() - records.size();
      if (linesLeft <= 0 || bytesLeft <= 0) {
        continue; // the batch is full: the row keeps its offset
      }
      try {
        LogChunk chunk = e.isAttempt() ? readAttempt(e, now, contexts, linesLeft, bytesLeft, read)
            : readSpool(e, linesLeft, bytesLeft, read);
        if (chunk != null) {
          bytesLeft -= (int) (chunk.end() - e.shippedBytes());
        }
      } catch (IOException | IllegalArgumentException ex) {
        LOG.warn("cannot read the log {} for export: {}", e.isAttempt() ? e.attempt() + " try " + e.tryNumber()
            : e.spoolFile(), ex.toString());
        read.done.add(e.id()); // an unreadable file stays unreadable: it would block the outbox
      }
    }
    return read;
  }

  private LogChunk readAttempt(LogOutbox.Entry e, Instant now, Map<String, Optional<AttemptContext>> contexts,
      int linesLeft, int bytesLeft, Read read) throws IOException {
    Optional<AttemptContext> ctx = contexts.computeIfAbsent(e.attempt() + "#" + e.tryNumber(), k -> context(e.attempt(), e.tryNumber()));
    if (ctx.isEmpty()) {
      read.done.add(e.id()); // the run was deleted
      return null;
    }
    boolean complete = e.attemptEnd() != null && e.attemptEnd().isBefore(now.minus(options.endGrace()));
    Path file = TaskLogs.attemptLog(logsRoot, e.attempt(), e.tryNumber());
    LogChunk chunk = LogChunk.read(file, e.shippedBytes(), complete, linesLeft, bytesLeft);
    chunk.lines().forEach(l -> records.attemptLine(ctx.get().run(), ctx.get().attempt(), l));
    read.offsets.put(e.id(), chunk.end());
    if (complete && chunk.atEof()) {
      read.done.add(e.id());
    }
    return chunk;
  }

  private LogChunk readSpool(LogOutbox.Entry e, int linesLeft, int bytesLeft, Read read) throws IOException {
    Path file = spoolFolder.resolve(e.spoolFile());
    LogChunk first = LogChunk.read(file, e.shippedBytes(), false, linesLeft, bytesLeft);
    boolean gone = first.atEof() && ComponentSpool.writerGone(e.spoolFile());
    // a writer that died mid-line left a last line without its end: read it now (it will not parse)
    LogChunk chunk = gone ? LogChunk.read(file, e.shippedBytes(), true, linesLeft, bytesLeft) : first;
    boolean ended = false;
    for (String line : chunk.lines()) {
      if (line.equals(ComponentSpool.END)) {
        ended = true;
        break;
      }
      records.componentLine(line);
    }
    read.offsets.put(e.id(), chunk.end());
    if (chunk.missing() || ended || gone && chunk.atEof()) {
      read.done.add(e.id());
      read.spoolsToDelete.add(file);
    }
    return chunk;
  }

  /** The runs read for the current batch: each at most once. */
  private final Map<io.contrail.run.RunKey, Optional<DagRun>> runsOfBatch = new HashMap<>();

  private Optional<AttemptContext> context(TaskInstanceKey key, int tryNumber) {
    Optional<DagRun> run = runsOfBatch.computeIfAbsent(key.runKey(), k -> {
      Optional<DagRun> r = runs.findRun(k);
      r.ifPresent(this::learnConf);
      return r;
    });
    return run.flatMap(r -> runs.attempt(key, tryNumber).map(a -> new AttemptContext(r, a)));
  }

  /**
   * A shell task's output is in the file as it printed it: the run's conf secrets are learnt here
   * too, for a try this process did not run (one adopted after a crash).
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

  /**
   * A shipped spool file is deleted before its row: should the process die in between, the row
   * of a missing file is dropped, never shipped twice.
   */
  private static void finish(Read read) {
    for (Path p : read.spoolsToDelete) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.debug("cannot delete the shipped spool {}: {}", p, e.toString());
      }
    }
  }

  /** Registers the spool files of this host the outbox does not know yet. */
  private void discoverSpools() {
    if (!Files.isDirectory(spoolFolder)) {
      return;
    }
    List<String> names;
    try (Stream<Path> files = Files.list(spoolFolder)) {
      names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", spoolFolder, e.toString());
      return;
    }
    if (names.isEmpty()) {
      return;
    }
    Set<String> known = outbox.spools(host);
    for (String n : names) {
      if (!known.contains(n)) {
        outbox.registerSpool(host, n);
      }
    }
  }

  /** Files of this host with lines not exported yet (attempt logs and spools). */
  long waitingFiles() {
    long n = 0;
    for (LogOutbox.Entry e : outbox.pending(host)) {
      try {
        Path file = e.isAttempt() ? TaskLogs.attemptLog(logsRoot, e.attempt(), e.tryNumber()) : spoolFolder.resolve(e.spoolFile());
        long size = Files.exists(file) ? Files.size(file) : 0;
        long unshipped = size - e.shippedBytes() - (e.isAttempt() ? 0 : ComponentSpool.END.length() + 1);
        if (unshipped > 0) {
          n++;
        }
      } catch (IOException | IllegalArgumentException ex) {
        // not readable: not counted
      }
    }
    return n;
  }

  /**
   * Every line of one attempt's log, for {@code traces export --logs}: exported once at the base
   * timeout, in batches; returns the records sent, or -1 when an export failed.
   */
  long exportAttempt(DagRun run, TaskAttempt attempt) throws IOException {
    Path file = TaskLogs.attemptLog(logsRoot, attempt.key(), attempt.tryNumber());
    learnConf(run);
    long offset = 0;
    long sent = 0;
    while (true) {
      LogChunk chunk = LogChunk.read(file, offset, true, options.maxRecords(), options.maxBytes());
      chunk.lines().forEach(l -> records.attemptLine(run, attempt, l));
      List<LogRecordData> batch = records.take();
      if (!batch.isEmpty()) {
        if (delivery.export(batch, 0, delivery.timeout(0)) != Delivery.Outcome.SENT) {
          return -1;
        }
        sent += batch.size();
      }
      if (chunk.atEof() || chunk.end() == offset) {
        return sent;
      }
      offset = chunk.end();
    }
  }

  /**
   * Stops the thread and ships what is left until {@code flushTimeout} has passed, never longer.
   * What is left stays in the files, with its offsets in the database, for the next process.
   */
  void close(Duration flushTimeout) {
    Instant deadline = clock.instant().plus(flushTimeout);
    try {
      if (thread.stop(deadline) && !backoff.lastFailed()) {
        drain(deadline);
      }
    } catch (RuntimeException e) {
      LOG.warn("final log export failed: {}", e.toString());
    } finally {
      delivery.close();
      records.close();
    }
  }

  /** Passes until nothing is left, an export fails, the exporter stops or {@code deadline} (null: none) passes. */
  int drain(Instant deadline) {
    int total = 0;
    while (deadline == null ? !thread.stopping() : clock.instant().isBefore(deadline)) {
      int n = pass(deadline);
      if (n <= 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
