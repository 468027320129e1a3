package io.contrail.scheduler;

import io.contrail.executor.Executor;
import io.contrail.jobs.JobLease;
import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the state changes of one scheduler pass as one batch of compare-and-sets in one
 * transaction, in the name of the scheduler's job (a commit is the scarce resource of a database-backed scheduler), reports each
 * applied change, hands task instances that became queued to the executor, and names the runs
 * where a compare-and-set lost so they can be read again.
 */
final class PassCommitter {
  private final RunStore runs;
  private final ActiveRuns active;
  private final DagCache dags;
  private final Executor executor;
  private final Telemetry telemetry;
  private final JobLease lease;

  PassCommitter(RunStore runs, ActiveRuns active, DagCache dags, Executor executor, Telemetry telemetry,
      JobLease lease) {
    this.runs = runs;
    this.active = active;
    this.dags = dags;
    this.executor = executor;
    this.telemetry = telemetry;
    this.lease = lease;
  }

  /**
   * Writes the pass in the name of this scheduler's job; returns the runs another process changed
   * meanwhile. A job declared dead writes nothing (and the database would refuse it).
   */
  Set<RunKey> commit(List<TaskChange> pass) {
    Set<RunKey> conflicts = new LinkedHashSet<>();
    if (pass.isEmpty()) {
      return conflicts;
    }
    if (lease.lost()) {
      pass.forEach(c -> active.scheduled().remove(c.after().key()));
      return conflicts;
    }
    long job = lease.jobId();
    int[] writeOf = new int[pass.size()];
    List<TaskChange> writes = writes(pass, writeOf);
    boolean[] written = runs.updateAll(writes.stream().map(c -> c.by(job)).toList());
    for (int i = 0; i < pass.size(); i++) {
      TaskChange change = pass.get(i);
      TaskInstance after = change.after();
      if (!written[writeOf[i]]) {
        active.scheduled().remove(after.key());
        conflicts.add(after.key().runKey());
        continue;
      }
      telemetry.taskStateChanged(change.before(), after);
      if (after.state() == TaskState.QUEUED) {
        active.update(after);
        RunProgress p = active.get(after.key().runKey());
        DagRun run = p != null ? p.run() : runs.findRun(after.key().runKey()).orElse(null);
        executor.execute(after, dags.get(after.dagId()), run);
      }
    }
    return conflicts;
  }

  /**
   * The pass as written: a task instance that changes twice in it — scheduled, then queued at once
   * because a slot was free, the usual case — is written once, from its stored row straight to its
   * last state, its attempt and callbacks riding along (one row version and one index entry per
   * index less per task). {@code writeOf[i]} is the write that carries change {@code i}; each change
   * is still reported on its own.
   */
  static List<TaskChange> writes(List<TaskChange> pass, int[] writeOf) {
    List<TaskChange> writes = new ArrayList<>(pass.size());
    Map<TaskInstanceKey, Integer> last = new HashMap<>();
    for (int i = 0; i < pass.size(); i++) {
      TaskChange change = pass.get(i);
      Integer at = last.get(change.key());
      TaskChange earlier = at == null ? null : writes.get(at);
      if (earlier != null && earlier.after().equals(change.before())
          && (earlier.attempt() == null || change.attempt() == null)) {
        List<CallbackRequest> callbacks = new ArrayList<>(earlier.callbacks());
        callbacks.addAll(change.callbacks());
        writes.set(at, new TaskChange(earlier.before(), change.after(),
            change.attempt() != null ? change.attempt() : earlier.attempt(), callbacks, earlier.writer()));
        writeOf[i] = at;
        continue;
      }
      last.put(change.key(), writes.size());
      writeOf[i] = writes.size();
      writes.add(change);
    }
    return writes;
  }
}
