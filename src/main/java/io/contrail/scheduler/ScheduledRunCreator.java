package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.operations.RunCreator;
import io.contrail.operations.RunRequest;
import io.contrail.run.RunType;
import io.contrail.run.TraceContext;
import io.contrail.schedule.DataInterval;
import io.contrail.schedule.Schedule;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the scheduled runs that are due for every active, unpaused DAG: with catchup every
 * missed interval since start_date (oldest first), without it only the latest. Remembers when each
 * DAG is next due so an idle loop asks the database nothing.
 */
final class ScheduledRunCreator {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledRunCreator.class);
  private static final int MAX_RUNS_PER_LOOP = 64;

  private final DagStore dags;
  private final RunStore runs;
  private final RunCreator creator;
  private final Clock clock;
  private final Map<String, Instant> nextDue = new HashMap<>();
  private final Map<String, String> dueForHash = new HashMap<>();

  ScheduledRunCreator(DagStore dags, RunStore runs, RunCreator creator, Clock clock) {
    this.dags = dags;
    this.runs = runs;
    this.creator = creator;
    this.clock = clock;
  }

  /** @param loop the scheduler.loop span creating the runs, stored with each (its run span links to it) */
  void createDueRuns(TraceContext loop) {
    Instant now = clock.instant();
    for (DagStore.DagSummary summary : dags.summaries()) {
      String dagId = summary.dagId();
      if (summary.paused() || !summary.active() || summary.schedule() == null) {
        nextDue.remove(dagId);
        continue;
      }
      Instant due = nextDue.get(dagId);
      if (due != null && now.isBefore(due) && summary.fileHash().equals(dueForHash.get(dagId))) {
        continue; // nothing due: the DAG itself is not even read
      }
      try {
        Dag dag = dags.find(dagId).map(StoredDag::dag).orElse(null);
        if (dag != null) {
          nextDue.put(dagId, createFor(dag, now, loop));
          dueForHash.put(dagId, summary.fileHash());
        }
      } catch (RuntimeException e) {
        LOG.error("cannot create scheduled runs of DAG {}", dagId, e);
      }
    }
  }

  /** Creates the DAG's due runs; returns when the next one becomes due. */
  private Instant createFor(Dag dag, Instant now, TraceContext loop) {
    Schedule schedule = Schedule.parse(dag.schedule());
    Instant last = runs.latestLogicalDate(dag.dagId(), List.of(RunType.SCHEDULED)).orElse(null);
    for (DataInterval interval : schedule.dueIntervals(dag.startDate(), dag.catchup(), last, now, MAX_RUNS_PER_LOOP)) {
      creator.create(dag, RunRequest.scheduled(interval, loop)).ifPresent(run -> LOG.info(
          "created run {} for data interval {} - {}", run.key(), interval.start(), interval.end()));
      last = interval.logicalDate(); // intervals come oldest first; an existing run counts as created
    }
    return schedule.nextRunAfter(dag.startDate(), last, now).orElse(Instant.MAX);
  }
}
