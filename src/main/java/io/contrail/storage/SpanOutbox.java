package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The outbox of finished spans: one row per sampled run, task instance or attempt that reached a
 * terminal state while tracing was on, written in the same transaction as that state, and
 * deleted once an exporter's collector accepted its span. A batch is claimed for one job under a
 * token and a lease; the claims of a job declared dead are released with that declaration
 * ({@link JobStore#markFailed}), and a claim whose lease ended may be taken again. Claiming,
 * deleting and releasing cost the same whatever the history: they touch only outbox rows, by
 * primary key or token, and read the runs' rows by primary key.
 */
public interface SpanOutbox {
  /** A finished row and the stored resource of the process that finished it (null: not recorded). */
  record Stored<T>(T row, Long resourceId) {}

  /**
   * The rows claimed under one token, read as they are stored now. {@code claimed} counts the
   * outbox rows, which can exceed the spans when a run was deleted meanwhile; {@code timeouts} is
   * the highest count of timed-out exports among them.
   */
  record Batch(String token, int claimed, int timeouts, List<Stored<DagRun>> runs,
      List<Stored<TaskInstance>> tasks, List<Stored<TaskAttempt>> attempts) {
    public static Batch empty(String token) {
      return new Batch(token, 0, 0, List.of(), List.of(), List.of());
    }

    public int spans() {
      return runs.size() + tasks.size() + attempts.size();
    }
  }

  /**
   * Claims the oldest unclaimed rows (at most {@code limit}) for {@code jobId} (null when the
   * process has no job yet: then only the lease protects the claim). The lease is
   * {@code lease.apply(timeouts)} of the rows claimed, so a batch that timed out before is held
   * for its longer export. Rows another transaction is claiming are skipped, not waited for.
   */
  Batch claim(Long jobId, String token, int limit, Instant now, IntFunction<Duration> lease);

  /**
   * How many rows {@code token} still holds: fewer than it claimed once its job was declared dead
   * (the claims released) or its lease ended and another exporter took the rows.
   */
  int claimedUnder(String token);

  /** Every finished row of one run, unclaimed, for {@code traces export}; empty when the run is gone. */
  Batch finishedRows(RunKey run);

  /** The collector accepted the batch: its rows leave the outbox. */
  void delete(String token);

  /**
   * The export failed: the rows may be claimed again at once; {@code timedOut} when the collector
   * did not answer in time (it may have the spans: the next try waits longer).
   */
  void release(String token, boolean timedOut);

  /** Spans waiting to be exported, claimed or not. */
  long pending();

  /** The stored attributes of a process resource (see {@link SpanRecording}). */
  Optional<String> resource(long id);

  /**
   * Records that tracing is on for this database, once. The first call also queues the spans of
   * the sampled runs finished since {@code history} (null: none) and returns true; later calls
   * (by any process) change nothing and return false.
   */
  boolean startExporting(Instant now, Instant history);
}
