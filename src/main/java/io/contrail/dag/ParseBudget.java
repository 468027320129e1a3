package io.contrail.dag;

import java.io.InterruptedIOException;
import java.io.Reader;
import java.io.StringReader;
import java.time.Duration;

/**
 * The time one DAG file may take to parse ({@code [core] dagbag_import_timeout_ms}). SnakeYAML
 * takes time that grows faster than the input on long scalars and cannot be interrupted, but it
 * reads its input a kilobyte at a time: the text is handed to it through {@link #reader}, which
 * gives up at the first read after the deadline (or once the thread is interrupted), so a slow
 * file costs at most about its budget. The budget of the parse in progress is per thread.
 */
final class ParseBudget implements AutoCloseable {
  private static final ThreadLocal<ParseBudget> CURRENT = new ThreadLocal<>();

  private final long deadlineNanos;
  private final ParseBudget outer;
  private volatile boolean exceeded;

  private ParseBudget(Duration budget, ParseBudget outer) {
    this.deadlineNanos = System.nanoTime() + budget.toNanos();
    this.outer = outer;
  }

  /** Starts a budget for the parse this thread does until {@link #close}. */
  static ParseBudget start(Duration budget) {
    ParseBudget b = new ParseBudget(budget, CURRENT.get());
    CURRENT.set(b);
    return b;
  }

  /** Whether the parse ran out of time (the reader gave up). */
  boolean exceeded() {
    return exceeded;
  }

  @Override
  public void close() {
    if (outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(outer);
    }
  }

  /** The text as a reader that stops at the deadline of this thread's budget, if it has one. */
  static Reader reader(String text) {
    ParseBudget budget = CURRENT.get();
    return new StringReader(text) {
      @Override
      public int read(char[] buf, int off, int len) throws java.io.IOException {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("parsing was interrupted");
        }
        if (budget != null && System.nanoTime() > budget.deadlineNanos) {
          budget.exceeded = true;
          throw new InterruptedIOException("parse time limit exceeded");
        }
        return super.read(buf, off, len);
      }
    };
  }
}
