package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.TraceIds;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code scheduler.loop} spans per scheduler_spans (DESIGN.md §6), on the SDK with an in-memory exporter. */
class LoopSpansTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.000001Z");

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .setIdGenerator(LoopIds.INSTANCE).addSpanProcessor(SimpleSpanProcessor.create(exported)).build();

  @AfterEach
  void tearDown() {
    provider.close();
  }

  private LoopSpans loops(String mode, long thresholdMs) {
    return new LoopSpans(provider.get("io.contrail.scheduler"), mode, thresholdMs, SecretsMasker.defaults());
  }

  /** A loop of {@code phases} consecutive phases, each {@code phaseMs} long, starting at T0 + offsetMs. */
  private static Telemetry.Loop loop(long offsetMs, long phaseMs, Throwable errorOfSecond, String... phases) {
    Instant start = T0.plusMillis(offsetMs);
    List<Telemetry.LoopPhase> list = new java.util.ArrayList<>();
    Instant t = start;
    for (int i = 0; i < phases.length; i++) {
      Instant end = t.plusMillis(phaseMs).plusNanos(1000 * (i + 1));
      list.add(new Telemetry.LoopPhase(phases[i], t, end, i == 1 ? errorOfSecond : null));
      t = end;
    }
    return new Telemetry.Loop(start, t, list, errorOfSecond, TraceIds.newTraceId(), TraceIds.newSpanId());
  }

  private List<SpanData> roots() {
    return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals("scheduler.loop")).toList();
  }

  @Test
  void allGivesEveryLoopARootWithOneChildPerPhaseAtItsRealTimes() {
    LoopSpans spans = loops("all", 500);
    Telemetry.Loop first = loop(0, 2, null, "scheduler.heartbeat", "scheduler.critical_section", "executor.heartbeat");
    Telemetry.Loop second = loop(1000, 1, null, "scheduler.heartbeat", "dag_processing.parse");
    spans.record(first);
    spans.record(second);

    List<SpanData> roots = roots();
    assertThat(roots).hasSize(2);
    SpanData root = roots.get(0);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getStartEpochNanos()).isEqualTo(SpanMapper.nanos(first.start()));
    assertThat(root.getEndEpochNanos()).isEqualTo(SpanMapper.nanos(first.end()));
    assertThat(root.getAttributes().get(AttributeKey.longKey("contrail.loop.phases"))).isEqualTo(3L);
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    List<SpanData> children = exported.getFinishedSpanItems().stream()
        .filter(s -> s.getParentSpanId().equals(root.getSpanId())).toList();
    assertThat(children).extracting(SpanData::getName)
        .containsExactly("scheduler.heartbeat", "scheduler.critical_section", "executor.heartbeat");
    for (int i = 0; i < children.size(); i++) {
      Telemetry.LoopPhase phase = first.phases().get(i);
      SpanData child = children.get(i);
      assertThat(child.getTraceId()).isEqualTo(root.getTraceId());
      assertThat(child.getStartEpochNanos()).isEqualTo(SpanMapper.nanos(phase.start()));
      assertThat(child.getEndEpochNanos()).isEqualTo(SpanMapper.nanos(phase.end()));
      assertThat(child.getEvents()).isEmpty();
    }
    // each loop is its own trace
    assertThat(roots.get(1).getTraceId()).isNotEqualTo(root.getTraceId());
    assertThat(exported.getFinishedSpanItems()).hasSize(2 + 3 + 2);
  }

  @Test
  void theLoopSpanHasTheIdsAllocatedWhenTheLoopStartedAndItsPhasesRandomOnes() {
    Telemetry.Loop loop = loop(0, 1, null, "scheduler.create_dagruns", "executor.heartbeat");
    loops("all", 500).record(loop);

    SpanData root = roots().get(0);
    assertThat(root.getTraceId()).isEqualTo(loop.traceId());
    assertThat(root.getSpanId()).isEqualTo(loop.spanId());
    List<SpanData> children = exported.getFinishedSpanItems().stream()
        .filter(s -> !s.getName().equals("scheduler.loop")).toList();
    assertThat(children).hasSize(2).allSatisfy(c -> {
      assertThat(c.getTraceId()).isEqualTo(loop.traceId());
      assertThat(c.getParentSpanId()).isEqualTo(loop.spanId());
      assertThat(c.getSpanId()).isNotEqualTo(loop.spanId());
    });
    // the given ids were used once: a span started afterwards on this thread gets fresh ones
    var other = provider.get("x").spanBuilder("other").setNoParent().startSpan();
    other.end();
    assertThat(other.getSpanContext().getTraceId()).isNotEqualTo(loop.traceId());
    assertThat(other.getSpanContext().getSpanId()).isNotEqualTo(loop.spanId());
  }

  @Test
  void slowEmitsOnlyLoopsLongerThanTheThreshold() {
    LoopSpans spans = loops("slow", 500);
    Telemetry.Loop fast = loop(0, 100, null, "scheduler.heartbeat", "scheduler.critical_section"); // ~200 ms
    Telemetry.Loop slow = loop(1000, 300, null, "scheduler.heartbeat", "scheduler.critical_section"); // ~600 ms
    spans.record(fast);
    spans.record(slow);

    assertThat(roots()).singleElement()
        .satisfies(r -> assertThat(r.getStartEpochNanos()).isEqualTo(SpanMapper.nanos(slow.start())));
    assertThat(exported.getFinishedSpanItems()).hasSize(1 + 2);
  }

  @Test
  void slowAlsoEmitsAFastLoopThatFailed() {
    loops("slow", 500).record(loop(0, 1, new IllegalStateException("db down"), "scheduler.heartbeat",
        "scheduler.critical_section"));

    assertThat(roots()).singleElement()
        .satisfies(r -> assertThat(r.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void offEmitsNothing() {
    LoopSpans spans = loops("off", 0);
    spans.record(loop(0, 1000, null, "scheduler.heartbeat"));
    spans.record(loop(5000, 1, new IllegalStateException("boom"), "scheduler.heartbeat", "executor.heartbeat"));

    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aFailedPhaseHasAnExceptionEventAndErrorStatusOnItsOwnSpan() {
    IllegalStateException error = new IllegalStateException("critical section lost the lock");
    loops("all", 500).record(loop(0, 1, error, "scheduler.heartbeat", "scheduler.critical_section",
        "executor.heartbeat"));

    SpanData failed = exported.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("scheduler.critical_section")).findFirst().orElseThrow();
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getStatus().getDescription()).isEqualTo("critical section lost the lock");
    assertThat(failed.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("exception");
      assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.type")))
          .isEqualTo("java.lang.IllegalStateException");
      assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.message")))
          .isEqualTo("critical section lost the lock");
      assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
          .contains("IllegalStateException").contains("at io.contrail.telemetry.traces.LoopSpansTest");
    });
    // the other phases are fine; the loop itself is marked failed
    assertThat(exported.getFinishedSpanItems()).filteredOn(s -> !s.getName().equals("scheduler.critical_section")
        && !s.getName().equals("scheduler.loop")).allSatisfy(s -> {
          assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
          assertThat(s.getEvents()).isEmpty();
        });
    assertThat(roots()).singleElement()
        .satisfies(r -> assertThat(r.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void schedulerSpansSettingIsCaseInsensitive() {
    loops(" All ", 500).record(loop(0, 1, null, "scheduler.heartbeat"));

    assertThat(roots()).hasSize(1);
  }
}
