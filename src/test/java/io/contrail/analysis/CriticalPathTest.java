package io.contrail.analysis;

import static io.contrail.analysis.TimelineBuilder.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

/** The critical path on hand-built timelines: which attempts decided the run's end, and how long each waited and ran. */
class CriticalPathTest {

  @Test
  void aChainIsItsOwnCriticalPathWithEachWaitAndRun() {
    RunTimeline t = TimelineBuilder.run(0, 100, 6_000L)
        .task("extract", "success", attempt("extract", 1, "success", 100, 300L, 2_300L))
        .task("transform", "success", attempt("transform", 1, "success", 2_300, 2_500L, 4_500L))
        .task("load", "success", attempt("load", 1, "success", 4_500, 5_700L, 5_900L))
        .dependsOn("transform", "extract").dependsOn("load", "transform")
        .build();

    CriticalPath cp = CriticalPath.of(t);

    assertThat(cp.steps()).extracting(CriticalPath.Step::taskId, CriticalPath.Step::waitingMs,
        CriticalPath.Step::runningMs)
        .containsExactly(tuple("extract", 200L, 2_000L), tuple("transform", 200L, 2_000L), tuple("load", 1_200L, 200L));
    assertThat(cp.totalMs()).isEqualTo(5_800);
    assertThat(cp.runMs()).isEqualTo(6_000);
    assertThat(cp.summary()).isEqualTo("5.8 s of 6.0 s on the critical path; longest wait: load, 1.2 s queued");
  }

  @Test
  void inADiamondTheSlowBranchIsOnThePathAndTheFastOneIsNot() {
    RunTimeline t = TimelineBuilder.run(0, 0, 5_100L)
        .task("start", "success", attempt("start", 1, "success", 0, 100L, 200L))
        .task("fast", "success", attempt("fast", 1, "success", 200, 300L, 600L))
        .task("slow", "success", attempt("slow", 1, "success", 200, 300L, 4_300L))
        .task("join", "success", attempt("join", 1, "success", 4_300, 4_500L, 5_000L))
        .dependsOn("fast", "start").dependsOn("slow", "start").dependsOn("join", "fast", "slow")
        .build();

    CriticalPath cp = CriticalPath.of(t);

    assertThat(cp.taskIds()).containsExactly("start", "slow", "join");
    assertThat(cp.steps().get(2).waitingMs()).as("join waited from slow's end, not fast's").isEqualTo(200);
  }

  @Test
  void aCriticalTasksFailedTriesCountOnThePath() {
    RunTimeline t = TimelineBuilder.run(0, 0, 9_000L)
        .task("extract", "success", attempt("extract", 1, "success", 0, 100L, 1_000L))
        .task("flaky", "success",
            attempt("flaky", 1, "failed", 1_000, 1_200L, 2_000L),
            attempt("flaky", 2, "failed", 2_000, 5_000L, 6_000L),
            attempt("flaky", 3, "success", 6_000, 6_500L, 8_500L))
        .dependsOn("flaky", "extract")
        .build();

    CriticalPath cp = CriticalPath.of(t);

    assertThat(cp.steps()).extracting(CriticalPath.Step::taskId, CriticalPath.Step::tryNumber,
        CriticalPath.Step::state, CriticalPath.Step::waitingMs)
        .containsExactly(tuple("extract", 1, "success", 100L), tuple("flaky", 1, "failed", 200L),
            tuple("flaky", 2, "failed", 3_000L), tuple("flaky", 3, "success", 500L));
    assertThat(cp.summary()).endsWith("longest wait: flaky, 3.0 s up for retry");
    assertThat(cp.totalMs()).isEqualTo(8_500);
  }

  @Test
  void aClearedRunIsAnalysedInItsLatestSegmentFromTheClear() {
    String clear = TimelineBuilder.CLEAR;
    RunTimeline t = TimelineBuilder.failedThenClearedLoad();

    CriticalPath cp = CriticalPath.of(t);

    assertThat(cp.segmentSpanId()).isEqualTo(clear);
    assertThat(cp.clearNumber()).isEqualTo(1);
    assertThat(cp.steps()).extracting(CriticalPath.Step::taskId, CriticalPath.Step::tryNumber,
        CriticalPath.Step::waitingMs, CriticalPath.Step::runningMs)
        .as("extract ran before the clear: the clear released load").containsExactly(tuple("load", 2, 200L, 1_100L));
    assertThat(cp.runMs()).isEqualTo(1_500);
    assertThat(CriticalPath.of(t, TimelineBuilder.ROOT).taskIds()).as("the root segment's own path")
        .containsExactly("extract", "load");
  }

  @Test
  void aRunningRunHasItsPathSoFar() {
    RunTimeline t = TimelineBuilder.run(0, 0, null)
        .task("extract", "success", attempt("extract", 1, "success", 0, 100L, 1_000L))
        .task("slow", "running", attempt("slow", 1, "running", 1_000, 1_100L, null))
        .task("quick", "success", attempt("quick", 1, "success", 1_000, 1_100L, 1_300L))
        .dependsOn("slow", "extract").dependsOn("quick", "extract")
        .asOf(4_100)
        .build();

    CriticalPath cp = CriticalPath.of(t);

    assertThat(cp.taskIds()).containsExactly("extract", "slow");
    CriticalPath.Step running = cp.steps().get(1);
    assertThat(running.end()).isNull();
    assertThat(running.runningMs()).as("running until now").isEqualTo(3_000);
    assertThat(cp.runMs()).isEqualTo(4_100);
    assertThat(cp.toJson(t)).containsEntry("run_finished", false).containsEntry("total_ms", 4_100L);
  }

  @Test
  void aRunWhoseTasksHaveNotStartedHasAnEmptyPath() {
    RunTimeline t = TimelineBuilder.run(0, 0, null)
        .task("extract", "scheduled", attempt("extract", 1, "scheduled", 50, null, null))
        .asOf(500)
        .build();

    CriticalPath cp = CriticalPath.of(t);

    assertThat(cp.steps()).isEmpty();
    assertThat(cp.summary()).isEqualTo("no task has started yet");
    assertThat(cp.toJson(t).get("longest_wait")).isNull();
  }
}
