package io.contrail.scheduler;

import io.contrail.run.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One step of the scheduler's full loop, timed as a loop phase: run every loop, or at most once
 * per {@code every} (heartbeat, DAG sync, zombie recovery, pool metrics). The work is given the
 * loop's span, which runs created in the loop name.
 */
final class Duty {
  final String phase;
  private final Duration every;
  private final Consumer<TraceContext> work;
  private Instant last = Instant.EPOCH;

  private Duty(String phase, Duration every, Consumer<TraceContext> work) {
    this.phase = phase;
    this.every = every;
    this.work = work;
  }

  static Duty everyLoop(String phase, Runnable work) {
    return new Duty(phase, Duration.ZERO, loop -> work.run());
  }

  static Duty everyLoop(String phase, Consumer<TraceContext> work) {
    return new Duty(phase, Duration.ZERO, work);
  }

  static Duty periodic(String phase, Duration every, Runnable work) {
    return new Duty(phase, every, loop -> work.run());
  }

  /** Whether the duty runs in the loop started at {@code now}; if so it counts as run then. */
  boolean due(Instant now) {
    if (Duration.between(last, now).compareTo(every) < 0) {
      return false;
    }
    last = now;
    return true;
  }

  void run(TraceContext loop) {
    work.accept(loop);
  }
}
