package io.contrail.operations;

import static io.contrail.testing.Fixtures.aDag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceContext;
import io.contrail.schedule.DataInterval;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A new run and its task instances, with trace ids allocated when they are created. */
class RunPlannerTest {
  private static final RunPlanner PLANNER = new RunPlanner(Sampler.parentBased(Sampler.alwaysOn()));
  private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";
  private static final Dag DAG = aDag("etl")
      .task("extract", b -> b.priorityWeight(2))
      .task("transform", b -> b.dependsOn("extract").pool("cpu").poolSlots(2).retries(3))
      .task("load", "transform")
      .build();

  @Test
  void manualRunStartsQueuedWithAFreshSampledTrace() {
    DagRun run = create(null, null).run();

    assertThat(run.runId()).isEqualTo("manual__2026-03-01T10:15:30.123456Z");
    assertThat(run.state()).isEqualTo(RunState.QUEUED);
    assertThat(run.times().queuedAt()).isEqualTo(NOW);
    assertThat(run.spec().logicalDate()).isEqualTo(NOW);
    assertThat(run.trace().traceId()).matches("[0-9a-f]{32}");
    assertThat(run.trace().spanId()).matches("[0-9a-f]{16}");
    assertThat(run.trace().parentSpanId()).isNull();
    assertThat(run.sampled()).isTrue();
    assertThat(run.spec().conf()).isNull();
  }

  @Test
  void scheduledRunIsNamedAfterItsLogicalDateAndKeepsItsDataInterval() {
    Instant start = Instant.parse("2026-03-01T09:00:00Z");
    DataInterval interval = new DataInterval(start, start.plus(Duration.ofHours(1)));

    DagRun run = PLANNER.plan(DAG, RunRequest.scheduled(interval, null), NOW).run();

    assertThat(run.runId()).isEqualTo("scheduled__2026-03-01T09:00:00Z");
    assertThat(run.runType()).isEqualTo(RunType.SCHEDULED);
    assertThat(run.spec().logicalDate()).isEqualTo(start);
    assertThat(run.spec().dataIntervalStart()).isEqualTo(start);
    assertThat(run.spec().dataIntervalEnd()).isEqualTo(start.plus(Duration.ofHours(1)));
  }

  @Test
  void traceparentArgumentJoinsTheCallersTrace() {
    DagRun run = create(null, "00-" + TRACE_ID + "-" + PARENT + "-01").run();

    assertThat(run.trace().traceId()).isEqualTo(TRACE_ID);
    assertThat(run.trace().parentSpanId()).isEqualTo(PARENT);
    assertThat(run.trace().spanId()).isNotEqualTo(PARENT);
    assertThat(run.sampled()).isTrue();
  }

  @Test
  void traceparentInTheConfJoinsTheCallersTrace() {
    DagRun run = create("{\"traceparent\": \"00-" + TRACE_ID + "-" + PARENT + "-00\"}", null).run();

    assertThat(run.trace().traceId()).isEqualTo(TRACE_ID);
    assertThat(run.trace().parentSpanId()).isEqualTo(PARENT);
    assertThat(run.trace().flags()).as("the caller's not-sampled flag is kept").isZero();
  }

  @Test
  void invalidTraceparentIsRejectedWithTheExpectedFormat() {
    assertThatThrownBy(() -> create(null, "00-abc-def-01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("traceparent '00-abc-def-01' is not a W3C traceparent"
            + " (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>)");
  }

  @Test
  void allZeroTraceIdIsRejected() {
    assertThatThrownBy(() -> create(null, "00-" + "0".repeat(32) + "-" + PARENT + "-01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a W3C traceparent");
  }

  @Test
  void confCanTurnSamplingOffForTheRunAndItsTasks() {
    RunPlanner.NewRun nr = create("{\"contrail.trace_sampled\": false}", null);

    assertThat(nr.run().trace().flags()).isZero();
    assertThat(nr.run().sampled()).isFalse();
    assertThat(nr.taskInstances()).allSatisfy(ti -> assertThat(ti.trace().flags()).isZero());
  }

  @Test
  void taskInstancesAreCreatedInStateNoneWithDistinctSpans() {
    RunPlanner.NewRun nr = create(null, null);

    assertThat(nr.taskInstances()).extracting(TaskInstance::taskId)
        .containsExactly("extract", "transform", "load");
    assertThat(nr.taskInstances()).allSatisfy(ti -> {
      assertThat(ti.state()).isEqualTo(TaskState.NONE);
      assertThat(ti.tryNumber()).isZero();
      assertThat(ti.runId()).isEqualTo(nr.run().runId());
      assertThat(ti.trace().flags()).isEqualTo(TraceContext.SAMPLED);
    });
    assertThat(nr.taskInstances()).extracting(ti -> ti.trace().spanId())
        .doesNotHaveDuplicates()
        .doesNotContain(nr.run().trace().spanId());
  }

  @Test
  void taskInstancesTakeDownstreamPriorityWeightsPoolsAndTries() {
    Map<String, TaskInstance> tis = create(null, null).taskInstances().stream()
        .collect(Collectors.toMap(TaskInstance::taskId, ti -> ti));

    assertThat(tis.get("extract").profile().priorityWeight()).isEqualTo(4); // 2 + transform 1 + load 1
    assertThat(tis.get("transform").profile().priorityWeight()).isEqualTo(2);
    assertThat(tis.get("load").profile().priorityWeight()).isEqualTo(1);
    assertThat(tis).allSatisfy((id, ti) ->
        assertThat(ti.profile().priorityWeight()).isEqualTo(DAG.effectivePriorities().get(id)));
    assertThat(tis.get("transform").profile().pool()).isEqualTo("cpu");
    assertThat(tis.get("transform").profile().poolSlots()).isEqualTo(2);
    assertThat(tis.get("transform").tries().max()).isEqualTo(4);
  }

  @Test
  void givenRunIdAndConfAreKept() {
    DagRun run = PLANNER.plan(DAG, RunRequest.manual("my_run", "{\"env\":\"prod\"}", null), NOW).run();

    assertThat(run.runId()).isEqualTo("my_run");
    assertThat(run.spec().conf()).isEqualTo("{\"env\":\"prod\"}");
  }

  private static RunPlanner.NewRun create(String conf, String traceparent) {
    return PLANNER.plan(DAG, RunRequest.manual(null, conf, traceparent), NOW);
  }
}
