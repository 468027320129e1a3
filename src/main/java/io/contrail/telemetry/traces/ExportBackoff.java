package io.contrail.telemetry.traces;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The retry schedule both outboxes share: after a failed export the next waits {@code initial},
 * doubling per failure in a row up to {@code max}; the failure is logged at the first and then at
 * every power of two in a row (INFO: a short CLI command says once, as it exits, what is left), and
 * the first success after failures says so. One exporter thread uses it.
 */
final class ExportBackoff {
  private final Clock clock;
  private final Duration initial;
  private final Duration max;
  private final Logger log;
  private final String what;
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean lastFailed;
  private int inARow;
  private Instant retryAt = Instant.EPOCH;

  /** @param what the signal's name in messages: "span", "log" */
  ExportBackoff(Clock clock, Duration initial, Duration max, Logger log, String what) {
    this.clock = clock;
    this.initial = initial;
    this.max = max;
    this.log = log;
    this.what = what;
  }

  /** When the next export may be tried. */
  Instant retryAt() {
    return retryAt;
  }

  boolean waiting() {
    return clock.instant().isBefore(retryAt);
  }

  /** Failed export calls (and failed passes) so far. */
  long failures() {
    return failures.get();
  }

  /** Whether the latest export was refused, unreachable or unanswered. */
  boolean lastFailed() {
    return lastFailed;
  }

  void succeeded() {
    if (inARow > 0) {
      log.info("{} export works again after {} failed attempt(s)", what, inARow);
    }
    inARow = 0;
    lastFailed = false;
  }

  /** @param kept what stays for the retry, for the message ("the spans stay in the database") */
  void failed(boolean timedOut, String kept) {
    failures.incrementAndGet();
    lastFailed = true;
    inARow++;
    long delay = Math.min(max.toMillis(), initial.toMillis() << Math.min(inARow - 1, 16));
    retryAt = clock.instant().plusMillis(delay);
    if (inARow == 1 || Integer.bitCount(inARow) == 1) {
      log.info("{} export {} ({} in a row); {} and are retried in {} ms", what,
          timedOut ? "timed out (sent again with a longer timeout)" : "failed", inARow, kept, delay);
    }
  }
}
