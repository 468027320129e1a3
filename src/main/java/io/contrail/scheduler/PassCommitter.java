package io.contrail.scheduler;

import io.contrail.executor.Executor;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the state changes of one scheduler pass as one batch of compare-and-sets in one
 * transaction (a commit is the scarce resource of a database-backed scheduler), reports each
 * applied change, hands task instances that became queued to the executor, and names the runs
 * where a compare-and-set lost so they can be read again.
 */
final class PassCommitter {
  private final RunStore runs;
  private final ActiveRuns active;
  private final DagCache dags;
  private final Executor executor;
  private final Telemetry telemetry;

  PassCommitter(RunStore runs, ActiveRuns active, DagCache dags, Executor executor, Telemetry telemetry) {
    this.runs = runs;
    this.active = active;
    this.dags = dags;
    this.executor = executor;
    this.telemetry = telemetry;
  }

  /** Writes the pass; returns the runs another process changed meanwhile. */
  Set<RunKey> commit(List<TaskChange> pass) {
    Set<RunKey> conflicts = new LinkedHashSet<>();
    if (pass.isEmpty()) {
      return conflicts;
    }
    boolean[] applied = runs.updateAll(pass);
    for (int i = 0; i < applied.length; i++) {
      TaskChange change = pass.get(i);
      TaskInstance after = change.after();
      if (!applied[i]) {
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
}
