package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.analysis.CriticalPath;
import io.contrail.analysis.RunTimeline;
import io.contrail.analysis.RunTimelines;
import io.contrail.operations.ClearRequest;
import io.contrail.operations.TaskSelection;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The critical path of a real run that retried, failed and was cleared, from the database: the
 * timeline's segments and rows, the path of each segment, and the {@code contrail.critical_path.*}
 * attributes each {@code dag_run} span carries — the same again when the run is re-exported.
 */
class CriticalPathSpanTest {
  private static final AttributeKey<List<String>> TASK_IDS = AttributeKey.stringArrayKey("contrail.critical_path.task_ids");
  private static final AttributeKey<List<Long>> TRIES = AttributeKey.longArrayKey("contrail.critical_path.try_numbers");

  @TempDir Path home;
  InProcessContrail contrail;
  InMemorySpanExporter exported = InMemorySpanExporter.create();

  @AfterEach
  void close() {
    contrail.close();
  }

  private List<SpanData> runSpans(DagRun run) {
    Outboxes.exporter(contrail, exported).drain();
    return exported.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(run.trace().traceId()))
        .filter(s -> s.getName().equals("dag_run.retry")).toList();
  }

  @Test
  void eachSegmentOfAClearedRunCarriesItsOwnCriticalPathWithTheFailedTries() throws Exception {
    Path marker = home.resolve("fixed");
    contrail = new InProcessContrail(home).set("CONTRAIL__TRACES__OTEL_ON", true).role(Role.CLI).dag("retry.yaml", """
        dag_id: retry
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: extract
            type: noop
          - task_id: check
            type: shell
            command: 'test -f %s'
            retries: 1
            retry_delay: 200ms
            depends_on: [extract]
          - task_id: after
            type: noop
            depends_on: [check]
        """.formatted(marker));
    DagRun first = contrail.run("retry");
    assertThat(first.state()).isEqualTo(RunState.FAILED);
    SpanData rootSpan = runSpans(first).get(0);
    assertThat(rootSpan.getAttributes().get(TASK_IDS)).containsExactly("extract", "check", "check");
    assertThat(rootSpan.getAttributes().get(TRIES)).containsExactly(1L, 1L, 2L);

    Files.writeString(marker, "");
    contrail.contrail().operations().clear(ClearRequest.ofRun("retry", first.runId(),
        TaskSelection.tasks(List.of("check")).withDownstream(true), "test:me"));
    Foreground.runToCompletion(contrail.contrail(), Set.of(first.key()), r -> { });

    RunTimeline t = RunTimelines.load(contrail.contrail().database(), "retry", first.runId());
    assertThat(t.segments()).extracting(RunTimeline.Segment::clearNumber).containsExactly(0, 1);
    String clear = t.currentSegment().spanId();
    assertThat(t.rows()).extracting(r -> r.taskId() + (r.segmentSpanId().equals(clear) ? "@clear" : "@root"))
        .containsExactly("extract@root", "check@root", "after@root", "check@clear", "after@clear");
    assertThat(t.rows().get(1).attempts()).extracting(RunTimeline.Attempt::tryNumber, RunTimeline.Attempt::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "failed"), org.assertj.core.groups.Tuple.tuple(2, "failed"));
    assertThat(t.rows().get(3).previousSpanId()).isEqualTo(t.rows().get(1).spanId());
    CriticalPath cp = CriticalPath.of(t);
    assertThat(cp.steps()).extracting(s -> s.taskId() + "#" + s.tryNumber()).containsExactly("check#3", "after#1");
    assertThat(CriticalPath.of(t, first.trace().spanId()).steps()).extracting(s -> s.taskId() + "#" + s.tryNumber())
        .containsExactly("extract#1", "check#1", "check#2");

    SpanData segmentSpan = runSpans(first).stream().filter(s -> s.getSpanId().equals(clear)).findFirst().orElseThrow();
    Attributes a = segmentSpan.getAttributes();
    assertThat(a.get(TASK_IDS)).containsExactly("check", "after");
    assertThat(a.get(TRIES)).containsExactly(3L, 1L);
    assertThat(a.get(AttributeKey.longKey("contrail.critical_path.duration_ms"))).isEqualTo(cp.totalMs());
    assertThat(a.get(AttributeKey.longArrayKey("contrail.critical_path.durations_ms")))
        .containsExactlyElementsOf(cp.steps().stream().map(CriticalPath.Step::durationMs).toList());

    // traces export rebuilds both run spans with the very same attributes
    List<SpanData> again = Outboxes.spansOf(contrail, first, Resource.getDefault(), false).stream()
        .filter(s -> s.getName().equals("dag_run.retry")).toList();
    assertThat(again).filteredOn(s -> s.getSpanId().equals(rootSpan.getSpanId())).singleElement()
        .satisfies(s -> assertThat(s.getAttributes()).isEqualTo(rootSpan.getAttributes()));
    assertThat(again).filteredOn(s -> s.getSpanId().equals(clear)).singleElement()
        .satisfies(s -> assertThat(s.getAttributes()).isEqualTo(a));
  }
}
