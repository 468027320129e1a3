package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The database as the outbox of finished spans: sampled runs, task instances and attempts that
 * reached a terminal state and whose span has not been accepted by an exporter yet. A batch is
 * claimed with a compare-and-set (a token and a lease), exported, then marked exported or
 * released; rows of a process that died mid-export become claimable when the lease ends.
 */
public interface SpanOutbox {
  /** Rows claimed under one token. */
  record Batch(String token, List<DagRun> runs, List<TaskInstance> tasks, List<TaskAttempt> attempts) {
    public int size() {
      return runs.size() + tasks.size() + attempts.size();
    }
  }

  /** Claims up to {@code limit} rows of each kind for {@code lease}; the batch may be empty. */
  Batch claim(String token, int limit, Instant now, Duration lease);

  /** The exporter accepted the batch: its rows are never exported again by the outbox. */
  void markExported(String token, Instant now);

  /** The export failed: the rows may be claimed again at once. */
  void release(String token);

  /** Finished, sampled spans not exported yet. */
  long pending();
}
