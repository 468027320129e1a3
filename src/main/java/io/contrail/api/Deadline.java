package io.contrail.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A DAG's deadline alert (Airflow 3.1's DeadlineAlert): a run not finished {@code within} after
 * its {@code after} moment — when it was queued, or its logical date — has missed its deadline;
 * that is recorded once on its trace and in metrics, and the DAG's on_deadline_missed callback
 * runs.
 */
public record Deadline(Reference after, Duration within) {
  /** What the deadline is counted from. */
  public enum Reference {
    QUEUED, LOGICAL_DATE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Deadline {
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(within, "within");
    if (within.isNegative() || within.isZero()) {
      throw new IllegalArgumentException("a deadline's within must be positive, not " + within);
    }
  }

  /** When a run queued at {@code queuedAt} for {@code logicalDate} must have finished. */
  public Instant dueAt(Instant queuedAt, Instant logicalDate) {
    return (after == Reference.QUEUED ? queuedAt : logicalDate).plus(within);
  }
}
