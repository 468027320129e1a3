package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.roles.Role;
import io.contrail.run.RunState;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The span model of DESIGN.md §6, built from real runs on the real stores. */
class SpanShapeTest {
  private static final String DAG = """
      dag_id: shapes
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      paused: false
      tasks:
        - task_id: first
          type: noop
        - task_id: flaky
          type: shell
          command: 'test "$CONTRAIL_TRY_NUMBER" -ge 2'
          retries: 1
          retry_delay: 10ms
          depends_on: [first]
        - task_id: boom
          type: shell
          command: "echo failing; exit 3"
          depends_on: [first]
        - task_id: after_boom
          type: noop
          depends_on: [boom]
        - task_id: only_if_flaky_failed
          type: noop
          trigger_rule: all_failed
          depends_on: [flaky]
        - task_id: java_boom
          type: java
          class: io.contrail.telemetry.traces.ThrowingTask
          depends_on: [first]
      """;

  @TempDir Path home;
  InProcessContrail runs;
  InMemorySpanExporter exported = InMemorySpanExporter.create();

  @BeforeEach
  void setUp() throws Exception {
    // traces on, so finished spans are recorded in the outbox; a CLI role ships none itself, so the
    // test's own exporter is the only one draining it
    runs = new InProcessContrail(home).set("CONTRAIL__TRACES__OTEL_ON", true).role(Role.CLI).dag("shapes.yaml", DAG);
  }

  @AfterEach
  void tearDown() {
    runs.close();
  }

  private Map<String, SpanData> exportRun(DagRun run) {
    Outboxes.exporter(runs, exported).drain();
    return exported.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(run.trace().traceId()))
        .collect(Collectors.toMap(SpanData::getName, Function.identity(), (a, b) -> {
          // several tries: keep the latest; anything else must be unique
          assertThat(a.getName()).startsWith("task_attempt.");
          return num(a, "contrail.try_number") > num(b, "contrail.try_number") ? a : b;
        }));
  }

  private static String attr(SpanData s, String key) {
    Object v = s.getAttributes().get(AttributeKey.stringKey(key));
    return v == null ? null : v.toString();
  }

  private static long num(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.longKey(key));
  }

  @Test
  void runSpanIsRootWithStoredIdsTimesAndAttributes() {
    DagRun run = runs.run("shapes", "{\"region\": \"eu\", \"db_password\": \"hunter2\"}", null);
    Map<String, SpanData> spans = exportRun(run);

    SpanData root = spans.get("dag_run.shapes");
    assertThat(root.getSpanId()).isEqualTo(run.trace().spanId());
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getStartEpochNanos()).isEqualTo(SpanMapper.nanos(run.times().queuedAt()));
    assertThat(root.getEndEpochNanos()).isEqualTo(SpanMapper.nanos(run.times().endDate()));
    assertThat(attr(root, "contrail.run_id")).isEqualTo(run.runId());
    assertThat(attr(root, "contrail.run_type")).isEqualTo("manual");
    assertThat(attr(root, "contrail.state")).isEqualTo("failed");
    assertThat(attr(root, "contrail.logical_date")).isEqualTo(run.spec().logicalDate().toString());
    assertThat(attr(root, "contrail.data_interval.start")).isNotNull();
    assertThat(attr(root, "contrail.conf")).contains("\"region\":\"eu\"").contains("***").doesNotContain("hunter2");
    assertThat(root.getEvents()).extracting(EventData::getName).containsExactly("queued", "started", "ended");
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    // every task instance has a task_run span under the run
    assertThat(spans.keySet()).contains("task_run.first", "task_run.flaky", "task_run.boom", "task_run.after_boom",
        "task_run.only_if_flaky_failed", "task_run.java_boom");
    assertThat(spans.values()).filteredOn(s -> s.getName().startsWith("task_run."))
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(run.trace().spanId()));
  }

  @Test
  void taskSpanCarriesTaskAttributesAndLinksToUpstream() {
    DagRun run = runs.run("shapes", null, null);
    Map<String, SpanData> spans = exportRun(run);

    SpanData flaky = spans.get("task_run.flaky");
    assertThat(attr(flaky, "contrail.task_id")).isEqualTo("flaky");
    assertThat(attr(flaky, "contrail.task_type")).isEqualTo("shell");
    assertThat(attr(flaky, "contrail.state")).isEqualTo("success");
    assertThat(num(flaky, "contrail.try_number")).isEqualTo(2);
    assertThat(num(flaky, "contrail.max_tries")).isEqualTo(2);
    assertThat(attr(flaky, "contrail.pool")).isEqualTo("default_pool");
    assertThat(attr(flaky, "contrail.trigger_rule")).isEqualTo("all_success");
    assertThat(flaky.getLinks()).singleElement().satisfies(l -> {
      assertThat(l.getSpanContext().getSpanId()).isEqualTo(spans.get("task_run.first").getSpanId());
      assertThat(l.getAttributes().get(AttributeKey.stringKey("contrail.link.type"))).isEqualTo("upstream");
    });
    assertThat(flaky.getStartEpochNanos()).isLessThan(flaky.getEndEpochNanos());
    // a retried task's span covers its first try too, not only the last scheduling
    assertThat(flaky.getStartEpochNanos()).isLessThanOrEqualTo(exported.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("task_attempt.flaky")).mapToLong(SpanData::getStartEpochNanos).min().orElseThrow());
  }

  @Test
  void retriedTaskHasOneAttemptSpanPerTry() {
    DagRun run = runs.run("shapes", null, null);
    Outboxes.exporter(runs, exported).drain();
    List<SpanData> attempts = exported.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("task_attempt.flaky")).toList();
    String flakySpan = exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals("task_run.flaky"))
        .findFirst().orElseThrow().getSpanId();

    assertThat(attempts).hasSize(2);
    assertThat(attempts).allSatisfy(a -> {
      assertThat(a.getParentSpanId()).isEqualTo(flakySpan);
      assertThat(a.getTraceId()).isEqualTo(run.trace().traceId());
      assertThat(attr(a, "contrail.executor")).isEqualTo("local");
      assertThat(attr(a, "host.name")).isEqualTo(runs.environment().hostname());
      assertThat(a.getAttributes().get(AttributeKey.longKey("process.pid"))).isNotNull();
    });
    assertThat(attempts).extracting(a -> num(a, "contrail.try_number")).containsExactlyInAnyOrder(1L, 2L);
    assertThat(attempts).extracting(a -> a.getStatus().getStatusCode())
        .containsExactlyInAnyOrder(StatusCode.ERROR, StatusCode.UNSET);
    assertThat(attempts.get(0).getSpanId()).isNotEqualTo(attempts.get(1).getSpanId());
  }

  @Test
  void failedAttemptHasErrorStatusAndExceptionEvent() {
    DagRun run = runs.run("shapes", null, null);
    Map<String, SpanData> spans = exportRun(run);

    SpanData boom = spans.get("task_attempt.boom");
    assertThat(boom.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(boom.getAttributes().get(AttributeKey.longKey("process.exit.code"))).isEqualTo(3L);
    assertThat(boom.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("exception");
      assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.type"))).isNotBlank();
      assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.message"))).contains("3");
    });
    assertThat(spans.get("task_run.boom").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

    SpanData javaBoom = spans.get("task_attempt.java_boom");
    EventData exception = javaBoom.getEvents().get(0);
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.message"))).isEqualTo("boom from java");
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
        .contains("at io.contrail.telemetry.traces.ThrowingTask.execute");
  }

  @Test
  void javaTaskRunsWithTheAttemptSpanCurrent() {
    DagRun run = runs.run("shapes", null, null);
    Map<String, SpanData> spans = exportRun(run);

    assertThat(ThrowingTask.seen.getTraceId()).isEqualTo(run.trace().traceId());
    assertThat(ThrowingTask.seen.getSpanId()).isEqualTo(spans.get("task_attempt.java_boom").getSpanId());
  }

  @Test
  void upstreamFailedAndSkippedTasksGetSpansWithoutAttempts() {
    DagRun run = runs.run("shapes", null, null);
    Map<String, SpanData> spans = exportRun(run);

    SpanData upstreamFailed = spans.get("task_run.after_boom");
    assertThat(attr(upstreamFailed, "contrail.state")).isEqualTo("upstream_failed");
    assertThat(num(upstreamFailed, "contrail.try_number")).isZero();
    SpanData skipped = spans.get("task_run.only_if_flaky_failed");
    // never ran, yet a real duration: from the end of the upstream that sealed its fate to when
    // the scheduler recorded it (Jaeger warns about spans with end <= start)
    assertThat(upstreamFailed.getEndEpochNanos()).isGreaterThan(upstreamFailed.getStartEpochNanos());
    assertThat(upstreamFailed.getStartEpochNanos()).isEqualTo(spans.get("task_run.boom").getEndEpochNanos());
    assertThat(skipped.getEndEpochNanos()).isGreaterThan(skipped.getStartEpochNanos());
    assertThat(skipped.getStartEpochNanos()).isEqualTo(spans.get("task_run.flaky").getEndEpochNanos());
    assertThat(attr(skipped, "contrail.state")).isEqualTo("skipped");
    assertThat(attr(skipped, "contrail.trigger_rule")).isEqualTo("all_failed");
    assertThat(spans).doesNotContainKeys("task_attempt.after_boom", "task_attempt.only_if_flaky_failed");
    assertThat(run.state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void runWithTraceparentJoinsTheCallersTrace() {
    String caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    DagRun run = runs.run("shapes", "{\"traceparent\": \"" + caller + "\"}", null);
    Map<String, SpanData> spans = exportRun(run);

    SpanData root = spans.get("dag_run.shapes");
    assertThat(root.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(root.getParentSpanContext().getSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(root.getParentSpanContext().isRemote()).isTrue();
    assertThat(spans.get("task_attempt.first").getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void unsampledRunExportsNothing() {
    DagRun run = runs.run("shapes", "{\"contrail.trace_sampled\": false}", null);

    assertThat(exportRun(run)).isEmpty();
    assertThat(Outboxes.exporter(runs, exported).stats().pendingSpans()).isZero();
  }

  @Test
  void eachSpanIsExportedOnceEvenWhenDrainedTwice() {
    runs.run("shapes", null, null);
    OutboxExporter one = Outboxes.exporter(runs, exported);
    OutboxExporter two = Outboxes.exporter(runs, exported);
    one.drain();
    two.drain();

    List<String> ids = exported.getFinishedSpanItems().stream().map(SpanData::getSpanId).toList();
    assertThat(ids).doesNotHaveDuplicates().hasSize(1 + 6 + 5); // run, tasks, attempts (flaky ran twice; two tasks never ran)
  }
}
