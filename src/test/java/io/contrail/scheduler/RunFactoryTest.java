package io.contrail.scheduler;

import static io.contrail.scheduler.DagBuilder.aDag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.dag.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceIds;
import io.contrail.schedule.DataInterval;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A new run and its task instances, with trace ids allocated when they are created. */
class RunFactoryTest {
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
    assertThat(run.queuedAt()).isEqualTo(NOW);
    assertThat(run.traceId()).matches("[0-9a-f]{32}");
    assertThat(run.spanId()).matches("[0-9a-f]{16}");
    assertThat(run.parentSpanId()).isNull();
    assertThat(run.sampled()).isTrue();
    assertThat(run.conf()).isNull();
  }

  @Test
  void scheduledRunIsNamedAfterItsLogicalDateAndKeepsItsDataInterval() {
    Instant start = Instant.parse("2026-03-01T09:00:00Z");
    DataInterval interval = new DataInterval(start, start.plus(Duration.ofHours(1)));

    DagRun run = RunFactory.create(DAG, RunType.SCHEDULED, null, start, interval, null, null, NOW).run();

    assertThat(run.runId()).isEqualTo("scheduled__2026-03-01T09:00:00Z");
    assertThat(run.dataIntervalStart()).isEqualTo(start);
    assertThat(run.dataIntervalEnd()).isEqualTo(start.plus(Duration.ofHours(1)));
  }

  @Test
  void traceparentArgumentJoinsTheCallersTrace() {
    DagRun run = create(null, "00-" + TRACE_ID + "-" + PARENT + "-01").run();

    assertThat(run.traceId()).isEqualTo(TRACE_ID);
    assertThat(run.parentSpanId()).isEqualTo(PARENT);
    assertThat(run.spanId()).isNotEqualTo(PARENT);
    assertThat(run.sampled()).isTrue();
  }

  @Test
  void traceparentInTheConfJoinsTheCallersTrace() {
    DagRun run = create("{\"traceparent\": \"00-" + TRACE_ID + "-" + PARENT + "-00\"}", null).run();

    assertThat(run.traceId()).isEqualTo(TRACE_ID);
    assertThat(run.parentSpanId()).isEqualTo(PARENT);
    assertThat(run.traceFlags()).as("the caller's not-sampled flag is kept").isZero();
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
    RunFactory.NewRun nr = create("{\"contrail.trace_sampled\": false}", null);

    assertThat(nr.run().traceFlags()).isZero();
    assertThat(nr.run().sampled()).isFalse();
    assertThat(nr.taskInstances()).allSatisfy(ti -> assertThat(ti.traceFlags()).isZero());
  }

  @Test
  void taskInstancesAreCreatedInStateNoneWithDistinctSpans() {
    RunFactory.NewRun nr = create(null, null);

    assertThat(nr.taskInstances()).extracting(TaskInstance::taskId)
        .containsExactly("extract", "transform", "load");
    assertThat(nr.taskInstances()).allSatisfy(ti -> {
      assertThat(ti.state()).isEqualTo(TaskState.NONE);
      assertThat(ti.tryNumber()).isZero();
      assertThat(ti.runId()).isEqualTo(nr.run().runId());
      assertThat(ti.traceFlags()).isEqualTo(TraceIds.SAMPLED);
    });
    assertThat(nr.taskInstances()).extracting(TaskInstance::spanId)
        .doesNotHaveDuplicates()
        .doesNotContain(nr.run().spanId());
  }

  @Test
  void taskInstancesTakeDownstreamPriorityWeightsPoolsAndTries() {
    Map<String, TaskInstance> tis = create(null, null).taskInstances().stream()
        .collect(Collectors.toMap(TaskInstance::taskId, ti -> ti));

    assertThat(tis.get("extract").priorityWeight()).isEqualTo(4); // 2 + transform 1 + load 1
    assertThat(tis.get("transform").priorityWeight()).isEqualTo(2);
    assertThat(tis.get("load").priorityWeight()).isEqualTo(1);
    assertThat(tis).allSatisfy((id, ti) ->
        assertThat(ti.priorityWeight()).isEqualTo(DAG.effectivePriorities().get(id)));
    assertThat(tis.get("transform").pool()).isEqualTo("cpu");
    assertThat(tis.get("transform").poolSlots()).isEqualTo(2);
    assertThat(tis.get("transform").maxTries()).isEqualTo(4);
  }

  @Test
  void givenRunIdAndConfAreKept() {
    DagRun run = RunFactory.create(DAG, RunType.MANUAL, "my_run", NOW, null, "{\"env\":\"prod\"}",
        null, NOW).run();

    assertThat(run.runId()).isEqualTo("my_run");
    assertThat(run.conf()).isEqualTo("{\"env\":\"prod\"}");
  }

  private static RunFactory.NewRun create(String conf, String traceparent) {
    return RunFactory.create(DAG, RunType.MANUAL, null, NOW, null, conf, traceparent, NOW);
  }
}
