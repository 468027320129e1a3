package io.contrail.storage;

import io.contrail.run.TaskInstanceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The outbox of log files with lines still to export: an attempt's log, recorded when a sampled
 * try starts running (in that transaction), or a spool file of component log records. The files
 * are the durable copy; a row holds how far its file was shipped. Rows are claimed for one job
 * under a token and a lease, as in the {@link SpanOutbox}, and only by processes on the host that
 * has the file.
 */
public interface LogOutbox {
  /**
   * A claimed row: an attempt's log ({@code attempt} set, {@code attemptEnd} its end when the try
   * is over, or the moment the row was read when the try is gone) or a spool file.
   */
  record Entry(long id, TaskInstanceKey attempt, int tryNumber, Instant attemptEnd, String spoolFile,
      long shippedBytes, int timeouts) {
    public boolean isAttempt() {
      return attempt != null;
    }
  }

  /** The rows claimed under one token; {@code timeouts} the highest count among them. */
  record Claim(String token, List<Entry> entries, int timeouts) {}

  /** Claims the oldest unclaimed rows of {@code host} (at most {@code limit}) for {@code jobId}. */
  Claim claim(Long jobId, String token, String host, int limit, Instant now, IntFunction<Duration> lease);

  /**
   * The collector accepted what was read: each row still held under {@code token} gets its new
   * offset, and the rows in {@code done} leave the outbox — in one transaction.
   */
  void shipped(String token, Map<Long, Long> offsets, Set<Long> done);

  /** The export failed: the rows may be claimed again; {@code timedOut} raises their timeout count. */
  void release(String token, boolean timedOut);

  /** Records a spool file of {@code host}, once (another call, by any process, changes nothing). */
  void registerSpool(String host, String file);

  /** The spool files of {@code host} known to the outbox. */
  Set<String> spools(String host);

  /** Files of {@code host} with lines still to export, claimed or not: row id to shipped offset. */
  List<Entry> pending(String host);
}
