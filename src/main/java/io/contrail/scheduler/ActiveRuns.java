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
  /**
   * A held run whose full read took at least {@link #CHEAP_READ_NANOS} is read in full again at
   * most once per this many times that read took: a wide run's copy is kept current by what the
   * executor and the wake-ups report, and re-reading 10,000 rows every loop cost the scheduler
   * and PostgreSQL more than the tasks did (bench distributed).
   */
  static final int READ_COST_FACTOR = 10;
  /** A run read faster than this is read again at every full loop, as before. */
  static final long CHEAP_READ_NANOS = 5_000_000L;
  /** However long a read takes, a held run is read in full again after at most this long. */
  static final long MAX_STALE_NANOS = 10_000_000_000L;

  private final Map<RunKey, RunProgress> progress = new HashMap<>();
  private final Map<RunKey, Long> readAgainAt = new HashMap<>();
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
    readAgainAt.remove(key);
  }

  /** The next {@link #refresh} reads every held run in full (wake-ups may have been lost). */
  void readAllAgain() {
    readAgainAt.clear();
  }

  /** Replaces the working set with the given running runs, freshly read; returns their copies. */
  List<RunProgress> reloadAll(List<DagRun> running) {
    readAllAgain();
    return refresh(running);
  }

  /**
   * The working set for these running runs, as read from the database: a run not held, or whose
   * stored state or revision (a user's clear or mark) differs from the copy, or whose full read is
   * due, is read in full; the others keep their copy. Returns the copies.
   */
  List<RunProgress> refresh(List<DagRun> running) {
    Map<RunKey, RunProgress> kept = new HashMap<>();
    long now = System.nanoTime();
    for (DagRun run : running) {
      RunProgress held = progress.get(run.key());
      Long due = readAgainAt.get(run.key());
      if (held != null && due != null && now - due < 0 && held.run().state() == run.state()
          && held.run().revision() == run.revision()) {
        kept.put(run.key(), held);
      }
    }
    progress.clear();
    readAgainAt.keySet().retainAll(kept.keySet());
    // the scheduled queue keeps the entries of the copies kept (re-sorting a wide run's thousands
    // of scheduled rows every loop was a sixth of the scheduler's CPU); those of the runs read
    // again are replaced, those of runs no longer running dropped
    scheduled.retainRuns(kept::containsKey);
    for (DagRun run : running) {
      RunProgress p = kept.get(run.key());
      if (p != null) {
        progress.put(run.key(), p);
        continue;
      }
      p = load(run);
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
    long start = System.nanoTime();
    RunProgress p = RunProgress.of(run, dag, dags.downstream(dag), runs.taskInstances(run.key()));
    long end = System.nanoTime();
    progress.put(run.key(), p);
    long took = end - start;
    readAgainAt.put(run.key(), took < CHEAP_READ_NANOS ? end : end + Math.min(MAX_STALE_NANOS, READ_COST_FACTOR * took));
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
