package io.contrail.executor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps the interrupt that stops a try away from the try's database writes. An interrupt that lands
 * inside H2's file I/O closes the embedded database for every thread, so a stop asked for while the
 * try's thread is writing is held and delivered when the write returns — to the wait that follows
 * (the task's process, a sleep), where it belongs. An interrupt already pending when a write starts
 * is held the same way.
 */
final class QuietWrites {
  /** The threads writing now, each with whether an interrupt is being held for it. */
  private static final Map<Thread, Boolean> WRITING = new ConcurrentHashMap<>();

  private QuietWrites() {}

  /** {@code writer} whose writes hold back interrupts for their duration. */
  static StateWriter of(StateWriter writer) {
    return change -> during(() -> writer.write(change));
  }

  static <T> T during(Supplier<T> write) {
    Thread me = Thread.currentThread();
    synchronized (QuietWrites.class) {
      if (WRITING.containsKey(me)) {
        return write.get(); // nested: the outer write delivers
      }
      WRITING.put(me, Thread.interrupted());
    }
    try {
      return write.get();
    } finally {
      synchronized (QuietWrites.class) {
        if (Boolean.TRUE.equals(WRITING.remove(me))) {
          me.interrupt();
        }
      }
    }
  }

  /** Interrupts {@code thread} now, or when its write in progress returns. */
  static void interrupt(Thread thread) {
    synchronized (QuietWrites.class) {
      if (WRITING.containsKey(thread)) {
        WRITING.put(thread, true);
      } else {
        thread.interrupt();
      }
    }
  }
}
