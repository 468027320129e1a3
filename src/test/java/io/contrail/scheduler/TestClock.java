package io.contrail.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until the test moves it, or follows real time once told to. */
final class TestClock extends Clock {
  private volatile Instant now;
  private volatile long tickingSinceNanos = -1;

  TestClock(Instant start) {
    this.now = start;
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  /** From now on the clock moves with real time, for the few tests of the scheduler's waits. */
  void startTicking() {
    tickingSinceNanos = System.nanoTime();
  }

  @Override
  public Instant instant() {
    long since = tickingSinceNanos;
    return since < 0 ? now : now.plusNanos(System.nanoTime() - since);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
