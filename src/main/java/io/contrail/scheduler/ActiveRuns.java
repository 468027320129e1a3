package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.RunStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's working set: a {@link RunProgress} copy of every running run it is responsible
 * for, and the scheduled task instances waiting for executor capacity. The database stays the
 * truth: the set is rebuilt from it every full loop, and a run is re-read whenever a
 * compare-and-set shows another process changed it.
 */
final class ActiveRuns {
  private static final Logger LOG = LoggerFactory.getLogger(ActiveRuns.class);

  private final RunStore runs;
  private final DagCache dags;
  private final Map<RunKey, RunProgress> progress = new HashMap<>();
  private final ScheduledQueue scheduled = new ScheduledQueue();

  ActiveRuns(RunStore runs, DagCache dags) {
    this.runs = runs;
    this.dags = dags;
  }

  RunProgress get(RunKey key) {
    return progress.get(key);
  }

  List<RunProgress> all() {
    return List.copyOf(progress.values());
  }

  int size() {
    return progress.size();
  }

  ScheduledQueue scheduled() {
    return scheduled;
  }

  void forget(RunKey key) {
    progress.remove(key);
  }

  /** Replaces the working set with the given running runs, freshly read; returns their copies. */
  List<RunProgress> reloadAll(List<DagRun> running) {
    progress.clear();
    scheduled.clear();
    for (DagRun run : running) {
      RunProgress p = load(run);
      if (p != null) {
        p.taskInstances().forEach(ti -> {
          if (ti.state() == TaskState.SCHEDULED) {
            scheduled.put(ti);
          }
        });
      }
    }
    return all();
  }

  /** The run re-read from the database, if it is still running; null otherwise. */
  RunProgress reload(RunKey key) {
    return runs.findRun(key).filter(r -> r.state() == RunState.RUNNING).map(this::load).orElse(null);
  }

  /** A working copy of a running run from the database; null when its DAG is unknown. */
  RunProgress load(DagRun run) {
    Dag dag = dags.get(run.dagId());
    if (dag == null) {
      LOG.warn("run {} belongs to DAG {} which is not in the database; leaving it", run.key(), run.dagId());
      return null;
    }
    RunProgress p = RunProgress.of(run, dag, dags.downstream(dag), runs.taskInstances(run.key()));
    progress.put(run.key(), p);
    return p;
  }

  /** Takes the newer version of a task instance into its run's copy, if the run is held. */
  void update(TaskInstance ti) {
    RunProgress p = progress.get(ti.key().runKey());
    if (p != null) {
      p.update(ti);
    }
  }
}
