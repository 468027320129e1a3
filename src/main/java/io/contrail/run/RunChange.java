package io.contrail.run;

import java.time.Instant;
import java.util.List;

/**
 * One user operation on one run (a clear or a mark), written in one transaction as
 * compare-and-sets: the run from {@code before} to {@code after} (its state and revision must
 * still be {@code before}'s), each task instance change likewise, and the span events the
 * operation leaves. If anything changed meanwhile nothing is written and the operation is planned
 * again from what is stored then. Span rows the change supersedes — the run's segment when
 * {@code after} opens a new one, a task instance's task_run span when it gets a new one — are
 * kept as they were, so their spans can still be exported unchanged.
 *
 * @param deadlineAt the run's new pending deadline (a clear re-arms a deadline counted from
 *     queued), or null to leave it as it is
 */
public record RunChange(DagRun before, DagRun after, List<TaskChange> tasks, List<SpanEvent> events,
    Instant at, Instant deadlineAt) {
  public RunChange {
    tasks = List.copyOf(tasks);
    events = List.copyOf(events);
  }

  public RunKey key() {
    return before.key();
  }

  public boolean isEmpty() {
    return tasks.isEmpty() && before.equals(after);
  }
}
