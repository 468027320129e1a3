package io.contrail.scheduler;

import static io.contrail.testing.Fixtures.aDag;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.api.TriggerRule;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskProfile;
import io.contrail.run.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What one look at a running run decides: task states that follow, and the run's outcome. */
class RunDecisionTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void newRunSchedulesOnlyItsRootTasks() {
    Dag dag = aDag("etl").task("extract").task("transform", "extract").build();

    RunDecision decision = RunDecision.decide(dag, fresh(dag).list(), NOW);

    assertThat(states(decision)).containsExactly(Map.entry("extract", TaskState.SCHEDULED));
    assertThat(decision.outcome()).isNull();
  }

  @Test
  void failedUpstreamMarksTheWholeDownstreamChainUpstreamFailedInOneDecision() {
    Dag dag = aDag("etl").task("a").task("b", "a").task("c", "b").task("d", "c").build();
    Tis tis = fresh(dag).set("a", TaskState.FAILED);

    RunDecision decision = RunDecision.decide(dag, tis.list(), NOW);

    assertThat(states(decision)).containsOnly(
        Map.entry("b", TaskState.UPSTREAM_FAILED),
        Map.entry("c", TaskState.UPSTREAM_FAILED),
        Map.entry("d", TaskState.UPSTREAM_FAILED));
    assertThat(decision.outcome()).isEqualTo(RunState.FAILED);
  }

  @Test
  void skippedUpstreamSkipsAllSuccessDownstreamButNotNoneFailed() {
    Dag dag = aDag("etl").task("a").task("b", "a").task("c", "b")
        .task("join", TriggerRule.NONE_FAILED, "c").build();
    Tis tis = fresh(dag).set("a", TaskState.SKIPPED);

    RunDecision decision = RunDecision.decide(dag, tis.list(), NOW);

    assertThat(states(decision)).containsOnly(
        Map.entry("b", TaskState.SKIPPED),
        Map.entry("c", TaskState.SKIPPED),
        Map.entry("join", TaskState.SCHEDULED));
    assertThat(decision.outcome()).isNull();
  }

  @Test
  void runSucceedsWhenAFailedTaskIsHandledByASucceedingOneFailedLeaf() {
    Dag dag = aDag("etl").task("work").task("on_failure", TriggerRule.ONE_FAILED, "work").build();
    Tis tis = fresh(dag).set("work", TaskState.FAILED).set("on_failure", TaskState.SUCCESS);

    assertThat(RunDecision.decide(dag, tis.list(), NOW).outcome()).isEqualTo(RunState.SUCCESS);
  }

  @Test
  void runFailsWhenALeafEndsUpstreamFailed() {
    Dag dag = aDag("etl").task("work").task("load", "work")
        .task("on_failure", TriggerRule.ONE_FAILED, "work").build();
    Tis tis = fresh(dag).set("work", TaskState.FAILED).set("on_failure", TaskState.SUCCESS);

    RunDecision decision = RunDecision.decide(dag, tis.list(), NOW);

    assertThat(states(decision)).containsOnly(Map.entry("load", TaskState.UPSTREAM_FAILED));
    assertThat(decision.outcome()).isEqualTo(RunState.FAILED);
  }

  @Test
  void runSucceedsWhenLeavesSucceedOrAreSkipped() {
    Dag dag = aDag("etl").task("a").task("b", "a").task("c", "a").build();
    Tis tis = fresh(dag).set("a", TaskState.SUCCESS).set("b", TaskState.SUCCESS).set("c", TaskState.SKIPPED);

    assertThat(RunDecision.decide(dag, tis.list(), NOW).outcome()).isEqualTo(RunState.SUCCESS);
  }

  @Test
  void runIsNotFinishedWhileATaskWaitsForItsRetry() {
    Dag dag = aDag("etl").task("a").build();
    Tis tis = fresh(dag).retryAt("a", NOW.plusSeconds(60));

    RunDecision decision = RunDecision.decide(dag, tis.list(), NOW);

    assertThat(decision.changes()).isEmpty();
    assertThat(decision.outcome()).isNull();
  }

  @Test
  void upForRetryIsScheduledOnlyOnceItsRetryTimeHasPassed() {
    Dag dag = aDag("etl").task("a").task("b").build();
    Tis tis = fresh(dag).retryAt("a", NOW.plusSeconds(60)).retryAt("b", NOW.plusSeconds(30));

    RunDecision early = RunDecision.decide(dag, tis.list(), NOW);
    RunDecision between = RunDecision.decide(dag, tis.list(), NOW.plusSeconds(30));
    RunDecision late = RunDecision.decide(dag, tis.list(), NOW.plusSeconds(61));

    assertThat(early.changes()).isEmpty();
    assertThat(early.nextRetryAt()).isEqualTo(NOW.plusSeconds(30));
    assertThat(states(between)).containsOnly(Map.entry("b", TaskState.SCHEDULED));
    assertThat(between.nextRetryAt()).isEqualTo(NOW.plusSeconds(60));
    assertThat(states(late)).containsOnly(Map.entry("a", TaskState.SCHEDULED), Map.entry("b", TaskState.SCHEDULED));
    assertThat(late.nextRetryAt()).isNull();
  }

  @Test
  void eachChangeIsPairedWithTheStoredRowItReplaces() {
    Dag dag = aDag("etl").task("a").task("b", "a").build();
    Tis tis = fresh(dag).set("a", TaskState.FAILED);

    RunDecision decision = RunDecision.decide(dag, tis.list(), NOW);

    assertThat(decision.changes()).map(TaskChange::before).singleElement().satisfies(ti -> {
      assertThat(ti.taskId()).isEqualTo("b");
      assertThat(ti.state()).isEqualTo(TaskState.NONE);
    });
  }

  private static Map<String, TaskState> states(RunDecision decision) {
    Map<String, TaskState> out = new HashMap<>();
    decision.changes().forEach(c -> out.put(c.after().taskId(), c.after().state()));
    return out;
  }

  private static Tis fresh(Dag dag) {
    Tis tis = new Tis();
    dag.tasks().forEach(t -> tis.byId.put(t.taskId(), TaskInstance.create(
        new TaskInstanceKey(dag.dagId(), "manual__1", t.taskId()),
        new TaskProfile("noop", t.queueing().pool(), t.queueing().poolSlots(), 1), t.maxTries(), 1)));
    return tis;
  }

  /** The task instances of one run, moved to a state through the real transitions. */
  private static final class Tis {
    final Map<String, TaskInstance> byId = new java.util.LinkedHashMap<>();

    Tis set(String taskId, TaskState state) {
      TaskInstance none = byId.get(taskId);
      byId.put(taskId, switch (state) {
        case SUCCESS -> running(none).toFinished(true, NOW, Duration.ZERO, false);
        case FAILED -> running(none).toFinished(false, NOW, Duration.ZERO, false);
        case SKIPPED, UPSTREAM_FAILED -> none.toNotRun(state, NOW);
        default -> throw new IllegalArgumentException(state.id());
      });
      return this;
    }

    /** The task's first of two tries failed; it may run again at {@code at}. */
    Tis retryAt(String taskId, Instant at) {
      TaskInstance none = byId.get(taskId);
      TaskInstance twoTries = TaskInstance.create(none.key(), none.profile(), 2, 1);
      byId.put(taskId, running(twoTries).toFinished(false, NOW, Duration.between(NOW, at), false));
      return this;
    }

    List<TaskInstance> list() {
      return List.copyOf(byId.values());
    }

    private static TaskInstance running(TaskInstance none) {
      return none.toScheduled(NOW).toQueued(NOW, 1).toRunning(NOW, "host");
    }
  }
}
