package io.contrail.scheduler;

import io.contrail.api.CallbackKind;
import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.RunStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances running runs: each run's {@link RunDecision} (tasks scheduled, skipped or
 * upstream_failed), then the queueing plan, written together as one pass by the
 * {@link PassCommitter}; finished runs move to success or failed. Runs whose rows another process
 * changed meanwhile are read again and decided again, a few rounds at most.
 */
final class RunAdvancer {
  private static final Logger LOG = LoggerFactory.getLogger(RunAdvancer.class);
  private static final int ROUNDS = 3;

  private final RunStore runs;
  private final ActiveRuns active;
  private final QueuePlanner planner;
  private final PassCommitter committer;
  private final Clock clock;
  private final Telemetry telemetry;
  private final Scheduler.Scope scope;
  private final LongSupplier jobId;
  private Instant nextRetryAt;
  private volatile boolean stopping;

  RunAdvancer(RunStore runs, ActiveRuns active, QueuePlanner planner, PassCommitter committer, Clock clock,
      Telemetry telemetry, Scheduler.Scope scope, LongSupplier jobId) {
    this.runs = runs;
    this.active = active;
    this.planner = planner;
    this.committer = committer;
    this.clock = clock;
    this.telemetry = telemetry;
    this.scope = scope;
    this.jobId = jobId;
  }

  /** The earliest moment an up_for_retry task of a held run becomes runnable, or null. */
  Instant nextRetryAt() {
    return nextRetryAt;
  }

  /**
   * The scheduler is stopping: runs are still decided and finished as their tasks end, but nothing
   * more is handed to the executor.
   */
  void stopping() {
    stopping = true;
  }

  /**
   * Reads the running runs from the database (the truth) — in full those whose copy is due or
   * changed by a user, see {@link ActiveRuns#refresh} — and advances them.
   */
  void advanceRunning() {
    List<DagRun> running = runs.runsInState(RunState.RUNNING).stream().filter(r -> scope.runs().test(r.key())).toList();
    List<RunProgress> held = active.refresh(running);
    telemetry.dagRunsRunning(held.size());
    advance(held);
  }

  /** Advances every held run once a retry is due; a no-op before then. */
  void retryIfDue() {
    if (nextRetryAt != null && !clock.instant().isBefore(nextRetryAt)) {
      nextRetryAt = null;
      advance(active.all());
    }
  }

  /** Hands what became runnable in the scheduled queue to the executor, without deciding runs. */
  Set<RunKey> queueScheduled() {
    List<TaskChange> pass = new ArrayList<>();
    if (!stopping) {
      planner.plan(pass, clock.instant());
    }
    return committer.commit(pass);
  }

  /** Decides the runs, plans the queue and commits it all as one pass; conflicts are decided again. */
  void advance(List<RunProgress> toAdvance) {
    List<RunProgress> round = toAdvance;
    for (int i = 0; i < ROUNDS && !round.isEmpty(); i++) {
      Instant now = clock.instant();
      List<TaskChange> pass = new ArrayList<>();
      Map<RunKey, RunDecision> decisions = new LinkedHashMap<>();
      for (RunProgress p : round) {
        RunDecision d = p.decide(now);
        decisions.put(p.run().key(), d);
        for (TaskChange c : d.changes()) {
          pass.add(c);
          if (c.after().state() == TaskState.SCHEDULED) {
            active.scheduled().put(c.after());
          }
        }
      }
      if (!stopping) {
        planner.plan(pass, now);
      }
      Set<RunKey> conflicts = committer.commit(pass);
      List<RunProgress> again = new ArrayList<>();
      for (RunProgress p : round) {
        RunKey key = p.run().key();
        if (conflicts.contains(key)) {
          RunProgress fresh = active.load(p.run()); // another process changed the run: decide again
          if (fresh != null) {
            again.add(fresh);
          }
          continue;
        }
        RunDecision d = decisions.get(key);
        if (d.nextRetryAt() != null && (nextRetryAt == null || d.nextRetryAt().isBefore(nextRetryAt))) {
          nextRetryAt = d.nextRetryAt();
        }
        if (d.outcome() != null) {
          finish(p, d.outcome(), now);
        }
      }
      round = again;
    }
  }

  private void finish(RunProgress p, RunState outcome, Instant now) {
    DagRun run = p.run();
    active.forget(run.key());
    DagRun finished = run.toFinished(outcome, now);
    CallbackKind kind = outcome == RunState.SUCCESS ? CallbackKind.ON_SUCCESS : CallbackKind.ON_FAILURE;
    List<CallbackRequest> callbacks = p.dag().callbacks().has(kind)
        ? List.of(CallbackRequest.forRun(kind, finished, now)) : List.of();
    if (runs.transition(run, finished, callbacks, jobId.getAsLong())) {
      List<TaskInstance> tis = new ArrayList<>();
      p.taskInstances().forEach(tis::add);
      telemetry.runStateChanged(finished, RunState.RUNNING, outcome);
      telemetry.runFinished(finished, tis);
      LOG.info("run {} {}", run.key(), outcome.id());
      scope.onRunFinished().accept(finished);
    }
  }
}
