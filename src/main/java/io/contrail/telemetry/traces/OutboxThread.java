package io.contrail.telemetry.traces;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The thread both outboxes ship from: it sleeps until poked or until the poll interval passes (or
 * the backoff's retry time, if sooner), optionally lingers so that what finishes together goes in
 * one batch, then drains; a database hiccup counts as a failed export and backs off. Stopping
 * never interrupts it — an interrupted JDBC or file channel call can break the embedded database
 * — and a batch still in flight when the wait runs out is released for the next process.
 */
final class OutboxThread {
  private final String label;
  private final Clock clock;
  private final Duration pollInterval;
  private final Duration linger;
  private final ExportBackoff backoff;
  private final Logger log;
  private final String whatStays;
  private final Function<Instant, Integer> drain;
  private final Consumer<String> release;
  private final Semaphore pokes = new Semaphore(0);
  private volatile boolean stopping;
  private volatile String inFlight;
  private Thread thread;

  /**
   * @param label what it ships, in its thread's name and messages: "span outbox"
   * @param drain ships until nothing is left, an export fails or the deadline passes (null: none)
   * @param release puts a claimed batch back (timed out: it may have arrived)
   * @param whatStays the end of the message of a failed pass: where the unsent data stays
   */
  OutboxThread(String label, Clock clock, Duration pollInterval, Duration linger, ExportBackoff backoff, Logger log,
      String whatStays, Function<Instant, Integer> drain, Consumer<String> release) {
    this.label = label;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.linger = linger;
    this.backoff = backoff;
    this.log = log;
    this.whatStays = whatStays;
    this.drain = drain;
    this.release = release;
  }

  synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::loop, "contrail-" + label.replace(' ', '-'));
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Something to ship: look soon rather than at the next poll. */
  void poke() {
    if (pokes.availablePermits() == 0) {
      pokes.release();
    }
  }

  boolean stopping() {
    return stopping;
  }

  /** The claim token of the batch being exported now, or null when none is. */
  void inFlight(String token) {
    inFlight = token;
  }

  /**
   * Stops the thread, waiting for it until {@code deadline}. Returns true when it has ended (or
   * never started), so the caller may ship what is left itself; false when it is still busy, in
   * which case its batch in flight has been released.
   */
  boolean stop(Instant deadline) {
    stopping = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      return true;
    }
    pokes.release();
    try {
      t.join(Math.max(1, Duration.between(clock.instant(), deadline).toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!t.isAlive()) {
      return true;
    }
    String stuck = inFlight;
    if (stuck != null) {
      release.accept(stuck);
    }
    return false;
  }

  private void loop() {
    while (!stopping) {
      try {
        long waitMs = Math.max(1, Math.min(pollInterval.toMillis(),
            Duration.between(clock.instant(), backoff.retryAt()).toMillis()));
        boolean poked = pokes.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        if (poked && !stopping && linger.toMillis() > 0) {
          Thread.sleep(linger.toMillis());
        }
        pokes.drainPermits();
        if (stopping || backoff.waiting()) {
          continue;
        }
        drain.apply(null);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("{} pass failed: {}", label, e.toString());
        backoff.failed(false, whatStays);
      }
    }
  }
}
