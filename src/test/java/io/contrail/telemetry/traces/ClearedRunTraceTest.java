package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.operations.ClearRequest;
import io.contrail.operations.MarkRequest;
import io.contrail.operations.RunOperations;
import io.contrail.operations.TaskSelection;
import io.contrail.roles.Foreground;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskState;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace of a run that was cleared and marked, as the span outbox exports it: still one trace,
 * each clear a new {@code dag_run} segment under the root with its clear number, each cleared task
 * a new {@code task_run} span under it linked to its earlier one, a mark an event, and no span ever
 * sent twice.
 */
class ClearedRunTraceTest {
  @TempDir Path home;
  InProcessContrail contrail;
  InMemorySpanExporter exported = InMemorySpanExporter.create();

  @AfterEach
  void close() {
    contrail.close();
  }

  private List<SpanData> export(DagRun run) {
    Outboxes.exporter(contrail, exported).drain();
    return exported.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(run.trace().traceId())).toList();
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  @Test
  void aClearedRunStaysOneTraceWithASegmentPerClearAndLinksToEarlierSpans() throws Exception {
    Path marker = home.resolve("fixed");
    // traces on (the stores record finished spans), the CLI role (no outbox thread of its own: the test drains it)
    contrail = new InProcessContrail(home).set("CONTRAIL__TRACES__OTEL_ON", true).role(Role.CLI).dag("seg.yaml", """
        dag_id: seg
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: check
            type: shell
            command: 'test -f %s'
          - task_id: after
            type: noop
            depends_on: [check]
        """.formatted(marker));
    DagRun first = contrail.run("seg");
    assertThat(first.state()).isEqualTo(RunState.FAILED);
    List<SpanData> before = export(first);
    SpanData root = named(before, "dag_run.seg").get(0);
    SpanData firstCheck = named(before, "task_run.check").get(0);

    Files.writeString(marker, "");
    RunOperations ops = contrail.contrail().operations();
    ops.clear(ClearRequest.ofRun("seg", first.runId(), TaskSelection.tasks(List.of("check")).withDownstream(true),
        "test:me"));
    Foreground.runToCompletion(contrail.contrail(), Set.of(first.key()), r -> { });
    ops.markTask(MarkRequest.Task.of(new TaskInstanceKey("seg", first.runId(), "after"), TaskState.FAILED, "test:me"));
    DagRun after = contrail.stores().runs().findRun(first.key()).orElseThrow();
    List<SpanData> all = export(after);

    assertThat(all).extracting(SpanData::getSpanId).doesNotHaveDuplicates();
    assertThat(all).extracting(SpanData::getTraceId).containsOnly(first.trace().traceId());
    List<SpanData> runSpans = named(all, "dag_run.seg");
    assertThat(runSpans).hasSizeGreaterThanOrEqualTo(2);
    SpanData segment = runSpans.stream().filter(s -> !s.getSpanId().equals(root.getSpanId())).findFirst().orElseThrow();
    assertThat(segment.getParentSpanId()).as("a segment is a child of the root").isEqualTo(root.getSpanId());
    assertThat(segment.getAttributes().get(AttributeKey.longKey("contrail.clear_number"))).isEqualTo(1L);

    List<SpanData> checks = named(all, "task_run.check");
    assertThat(checks).hasSize(2);
    SpanData rerun = checks.stream().filter(s -> !s.getSpanId().equals(firstCheck.getSpanId())).findFirst()
        .orElseThrow();
    assertThat(rerun.getParentSpanId()).isEqualTo(segment.getSpanId());
    assertThat(rerun.getLinks()).anySatisfy(l -> {
      assertThat(l.getSpanContext().getSpanId()).isEqualTo(firstCheck.getSpanId());
      assertThat(l.getAttributes().get(AttributeKey.stringKey("contrail.link.type"))).isEqualTo("previous");
    });
    assertThat(named(all, "task_attempt.check")).hasSize(2);

    EventData mark = all.stream().filter(s -> s.getName().equals("task_run.after")).flatMap(s -> s.getEvents().stream())
        .filter(e -> e.getName().equals("contrail.marked")).findFirst().orElseThrow();
    assertThat(mark.getAttributes().get(AttributeKey.stringKey("contrail.marked.by"))).isEqualTo("test:me");
    assertThat(mark.getAttributes().get(AttributeKey.stringKey("contrail.marked.state"))).isEqualTo("failed");
  }

  @Test
  void aRunClearedBeforeItsSpansWereExportedSendsTheKeptSpansOnceWithTheirFirstState() throws Exception {
    Path marker = home.resolve("fixed");
    contrail = new InProcessContrail(home).set("CONTRAIL__TRACES__OTEL_ON", true).role(Role.CLI).dag("seg.yaml", """
        dag_id: seg
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: check
            type: shell
            command: 'test -f %s'
        """.formatted(marker));
    DagRun first = contrail.run("seg");
    assertThat(first.state()).isEqualTo(RunState.FAILED);
    // the collector has nothing yet: the failed run's outbox rows move to the spans the clear keeps
    Files.writeString(marker, "");
    contrail.contrail().operations().clear(ClearRequest.ofRun("seg", first.runId(), TaskSelection.tasks(List.of("check")),
        "test:me"));
    Foreground.runToCompletion(contrail.contrail(), Set.of(first.key()), r -> { });
    List<SpanData> all = export(first);

    assertThat(all).extracting(SpanData::getSpanId).doesNotHaveDuplicates();
    List<SpanData> runSpans = named(all, "dag_run.seg");
    assertThat(runSpans).hasSize(2);
    assertThat(runSpans).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("contrail.state")))
        .containsExactlyInAnyOrder("failed", "success");
    assertThat(runSpans).filteredOn(s -> s.getSpanId().equals(first.trace().spanId()))
        .singleElement().satisfies(r -> assertThat(r.getStatus().getStatusCode().name()).isEqualTo("ERROR"));
    assertThat(named(all, "task_run.check")).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("contrail.state")))
        .containsExactlyInAnyOrder("failed", "success");
    assertThat(named(all, "task_attempt.check")).hasSize(2);
    assertThat(Outboxes.exporter(contrail, exported).stats().pendingSpans()).isZero();
  }
}
