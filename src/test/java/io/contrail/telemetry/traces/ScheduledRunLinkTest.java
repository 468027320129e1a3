package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.roles.Role;
import io.contrail.run.DagRun;
import io.contrail.run.RunType;
import io.contrail.run.TraceIds;
import io.contrail.scheduler.Scheduler;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.OtelSettings;
import io.contrail.telemetry.Telemetry;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN.md §6: a scheduled run's span links to the scheduler.loop span that created it. */
class ScheduledRunLinkTest {
  private static final String DAG = """
      dag_id: hourly_link
      schedule: "@hourly"
      start_date: 2026-01-01T00:00:00Z
      catchup: false
      paused: false
      tasks:
        - task_id: only
          type: noop
      """;

  @TempDir Path home;
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .setIdGenerator(LoopIds.INSTANCE).addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
  private InProcessContrail runs;

  @AfterEach
  void tearDown() {
    provider.close();
    if (runs != null) {
      runs.close();
    }
  }

  /** Runs one scheduler loop that creates the DAG's scheduled run; returns the run row. */
  private DagRun oneLoop(String schedulerSpans) throws Exception {
    runs = new InProcessContrail(home).role(Role.SCHEDULER).dag("hourly_link.yaml", DAG);
    LoopSpans loops = new LoopSpans(provider.get("io.contrail.scheduler"), schedulerSpans, 60_000, SecretsMasker.defaults());
    Telemetry telemetry = new Telemetry() {
      @Override
      public void schedulerLoop(Loop loop) {
        loops.record(loop);
      }
    };
    // the scheduler role's scope, but no run is its to advance: the loop only creates the due run
    Scheduler scheduler = runs.contrail().scheduler(new Scheduler.Scope(true, k -> false, r -> { }))
        .telemetry(telemetry).build();
    scheduler.start();
    scheduler.loop(1, () -> false);
    List<DagRun> created = runs.stores().runs().listRuns("hourly_link", 10);
    assertThat(created).singleElement().satisfies(r -> assertThat(r.runType()).isEqualTo(RunType.SCHEDULED));
    return created.get(0);
  }

  private static LinkData createdBy(SpanData runSpan) {
    return runSpan.getLinks().stream()
        .filter(l -> "created_by".equals(l.getAttributes().get(AttributeKey.stringKey("contrail.link.type"))))
        .findFirst().orElseThrow();
  }

  @Test
  void theRunSpanLinksToTheEmittedLoopSpan() throws Exception {
    DagRun run = oneLoop("all");

    SpanData loopSpan = exported.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("scheduler.loop")).findFirst().orElseThrow();
    assertThat(exported.getFinishedSpanItems()).anySatisfy(s -> {
      assertThat(s.getName()).isEqualTo("scheduler.create_dagruns");
      assertThat(s.getParentSpanId()).isEqualTo(loopSpan.getSpanId());
    });
    SpanData runSpan = SpanMapper.runSpan(run, new SpanTimes(run, null, java.util.List.of(), java.util.List.of()).run(),
        io.opentelemetry.sdk.resources.Resource.getDefault(), SecretsMasker.defaults());

    LinkData link = createdBy(runSpan);
    assertThat(link.getSpanContext().getTraceId()).isEqualTo(loopSpan.getTraceId());
    assertThat(link.getSpanContext().getSpanId()).isEqualTo(loopSpan.getSpanId());
    assertThat(runSpan.getTraceId()).isNotEqualTo(loopSpan.getTraceId()); // a link, not a parent
    assertThat(runSpan.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void theAutoconfiguredSdkGivesTheLoopSpanTheLoopsIds() throws Exception {
    ContrailConfig config = ConfigLoader.load(java.nio.file.Files.createDirectories(home.resolve("cfg")), Map.of());
    String traceId = TraceIds.newTraceId();
    String spanId = TraceIds.newSpanId();
    try (Tracing tracing = Tracing.open(config, OtelSettings.resolve(Environment.of(Map.of())), SecretsMasker.defaults(), null)) {
      Tracer tracer = tracing.tracer();
      Span span = LoopIds.withIds(traceId, spanId, () -> tracer.spanBuilder("scheduler.loop").setNoParent().startSpan());
      // not ended: nothing to export to the (absent) collector, so closing is quick
      assertThat(span.getSpanContext().getTraceId()).isEqualTo(traceId);
      assertThat(span.getSpanContext().getSpanId()).isEqualTo(spanId);
    }
  }

  @Test
  void theLinkNamesTheLoopEvenWhenSchedulerSpansSkippedIt() throws Exception {
    DagRun run = oneLoop("off");

    assertThat(exported.getFinishedSpanItems()).isEmpty();
    LinkData link = createdBy(SpanMapper.runSpan(run, new SpanTimes(run, null, java.util.List.of(), java.util.List.of()).run(),
        io.opentelemetry.sdk.resources.Resource.getDefault(), SecretsMasker.defaults()));
    assertThat(link.getSpanContext().getTraceId()).isEqualTo(run.trace().createdBy().traceId());
    assertThat(link.getSpanContext().getSpanId()).isEqualTo(run.trace().createdBy().spanId());
    assertThat(link.getSpanContext().isValid()).isTrue();
  }
}
