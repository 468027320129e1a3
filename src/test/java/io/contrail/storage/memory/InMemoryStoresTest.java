package io.contrail.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fakes keep the JDBC stores' promises the scheduler relies on (see StoreContractTest): every
 * state change is a compare-and-set, on state and try number for task instances.
 */
class InMemoryStoresTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private final InMemoryRunStore runs = new InMemoryRunStore();

  @Test
  void duplicateRunIdIsRefused() {
    DagRun run = aRun("manual__1");

    assertThat(runs.createRun(run, List.of(aTaskInstance(run)))).isTrue();
    assertThat(runs.createRun(run, List.of())).isFalse();
    assertThat(runs.taskInstances(run.key())).hasSize(1);
  }

  @Test
  void runTransitionIsACompareAndSetOnItsState() {
    DagRun run = aRun("manual__1");
    runs.createRun(run, List.of());

    assertThat(runs.transitionRun(run.key(), RunState.QUEUED, RunState.RUNNING, T0, null)).isTrue();
    assertThat(runs.transitionRun(run.key(), RunState.QUEUED, RunState.RUNNING, T0, null)).isFalse();
    assertThat(runs.findRun(run.key()).orElseThrow().startDate()).isEqualTo(T0);
  }

  @Test
  void twoProcessesUpdatingFromTheSameStateExactlyOneWins() {
    DagRun run = aRun("manual__1");
    TaskInstance none = aTaskInstance(run);
    runs.createRun(run, List.of(none));

    assertThat(runs.update(none, none.toScheduled(T0), null)).isTrue();
    assertThat(runs.update(none, none.toNotRun(TaskState.SKIPPED, T0), null)).isFalse();
    assertThat(runs.taskInstance(none.key()).orElseThrow().state()).isEqualTo(TaskState.SCHEDULED);
  }

  @Test
  void workerOfAnEarlierTryCannotFinishTheNewTry() {
    DagRun run = aRun("manual__1");
    TaskInstance none = aTaskInstance(run);
    runs.createRun(run, List.of(none));
    TaskInstance firstTry = none.toScheduled(T0).toQueued(T0, 1).toRunning(T0, "h");
    TaskInstance secondTry = firstTry.toFinished(false, T0, Duration.ZERO, false).toScheduled(T0)
        .toQueued(T0, 2).toRunning(T0, "h");
    runs.update(none, secondTry, null);

    assertThat(runs.update(firstTry, firstTry.toFinished(true, T0, Duration.ZERO, false), null)).isFalse();
    assertThat(runs.taskInstance(none.key()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void occupiedPoolSlotsCountQueuedAndRunningTasksOnly() {
    InMemoryPoolStore pools = new InMemoryPoolStore(runs);
    DagRun run = aRun("manual__1");
    TaskInstance a = TaskInstance.create("etl", run.runId(), "a", "noop", 1, "cpu", 2, 1, 1);
    TaskInstance b = TaskInstance.create("etl", run.runId(), "b", "noop", 1, "cpu", 3, 1, 1);
    runs.createRun(run, List.of(a, b));
    runs.update(a, a.toScheduled(T0).toQueued(T0, 1), null);
    runs.update(b, b.toScheduled(T0), null);

    assertThat(pools.occupiedSlots()).isEqualTo(Map.of("cpu", 2));
  }

  @Test
  void staleJobIsMarkedFailedOnceAndCannotHeartbeatAgain() {
    InMemoryJobStore jobs = new InMemoryJobStore();
    long id = jobs.start("scheduler", "h", 1, T0);

    assertThat(jobs.staleJobs(T0.plusSeconds(1))).extracting(j -> j.id()).containsExactly(id);
    assertThat(jobs.markFailed(id, T0.plusSeconds(1))).isTrue();
    assertThat(jobs.markFailed(id, T0.plusSeconds(1))).isFalse();
    assertThat(jobs.heartbeat(id, T0.plusSeconds(2))).isFalse();
    assertThat(jobs.staleJobs(T0.plusSeconds(60))).isEmpty();
  }

  private static DagRun aRun(String runId) {
    return new DagRun("etl", runId, RunType.MANUAL, RunState.QUEUED, T0, T0, T0, null, T0, null, null,
        TraceIds.newTraceId(), TraceIds.newSpanId(), null, TraceIds.SAMPLED,
        null, null);
  }

  private static TaskInstance aTaskInstance(DagRun run) {
    return TaskInstance.create(run.dagId(), run.runId(), "a", "noop", 2, "default_pool", 1, 1, 1);
  }
}
