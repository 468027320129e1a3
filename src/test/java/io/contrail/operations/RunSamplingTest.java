package io.contrail.operations;

import static io.contrail.testing.Fixtures.aDag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.api.Dag;
import io.contrail.config.ConfigException;
import io.contrail.config.Environment;
import io.contrail.run.TraceContext;
import io.contrail.telemetry.OtelSettings;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, read by the SDK's autoconfiguration, decide a
 * run's trace flags when it is created; a setting the SDK rejects stops the process at start-up.
 */
class RunSamplingTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static final Dag DAG = aDag("etl").task("extract").task("load", "extract").build();
  private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";

  private static RunPlanner planner(String name, String arg) {
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_TRACES_SAMPLER", name);
    if (arg != null) {
      env.put("OTEL_TRACES_SAMPLER_ARG", arg);
    }
    return new RunPlanner(OtelSettings.resolve(Environment.of(env)).sampler());
  }

  private static RunPlanner.NewRun create(RunPlanner planner, String traceparent) {
    return planner.plan(DAG, RunRequest.manual(null, null, traceparent), NOW);
  }

  private static String parent(boolean sampled) {
    return "00-" + PARENT_TRACE + "-" + PARENT_SPAN + (sampled ? "-01" : "-00");
  }

  @Test
  void byDefaultEveryNewTraceIsSampled() {
    RunPlanner defaults = new RunPlanner(OtelSettings.resolve(Environment.of(Map.of())).sampler());

    assertThat(create(defaults, null).run().sampled()).isTrue();
    assertThat(create(defaults, parent(false)).run().sampled()).as("parent-based: follows the caller").isFalse();
  }

  @Test
  void traceIdRatioZeroSamplesNoRun() {
    RunPlanner none = planner("traceidratio", "0");
    for (int i = 0; i < 200; i++) {
      RunPlanner.NewRun nr = create(none, null);
      assertThat(nr.run().trace().flags()).isZero();
      assertThat(nr.taskInstances()).allSatisfy(ti -> assertThat(ti.trace().flags()).isZero());
    }
  }

  @Test
  void traceIdRatioOneSamplesEveryRun() {
    RunPlanner all = planner("traceidratio", "1");
    for (int i = 0; i < 200; i++) {
      RunPlanner.NewRun nr = create(all, null);
      assertThat(nr.run().trace().flags()).isEqualTo(TraceContext.SAMPLED);
      assertThat(nr.taskInstances()).allSatisfy(ti -> assertThat(ti.trace().flags()).isEqualTo(TraceContext.SAMPLED));
    }
  }

  @Test
  void traceIdRatioDecidesOnTheRunsOwnTraceId() {
    RunPlanner half = planner("traceidratio", "0.5");
    Sampler sdk = Sampler.traceIdRatioBased(0.5);
    int sampled = 0;
    for (int i = 0; i < 2000; i++) {
      RunPlanner.NewRun nr = create(half, null);
      String traceId = nr.run().trace().traceId();
      assertThat(nr.run().sampled()).as(traceId).isEqualTo(sdkSamples(sdk, traceId));
      sampled += nr.run().sampled() ? 1 : 0;
    }
    assertThat(sampled).isBetween(800, 1200);
  }

  @Test
  void parentBasedFollowsASampledOrUnsampledTraceparent() {
    for (String name : List.of("parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio")) {
      RunPlanner p = planner(name, "0");
      assertThat(create(p, parent(true)).run().trace().flags()).as(name + ", sampled parent").isEqualTo(TraceContext.SAMPLED);
      assertThat(create(p, parent(false)).run().trace().flags()).as(name + ", unsampled parent").isZero();
    }
    // without a parent the root sampler decides
    assertThat(create(planner("parentbased_always_off", null), null).run().sampled()).isFalse();
    assertThat(create(planner("parentbased_always_on", null), null).run().sampled()).isTrue();
    assertThat(create(planner("parentbased_traceidratio", "0"), null).run().sampled()).isFalse();
    assertThat(create(planner("parentbased_traceidratio", "1"), null).run().sampled()).isTrue();
  }

  @Test
  void plainSamplersIgnoreTheParentFlag() {
    assertThat(create(planner("always_off", null), parent(true)).run().sampled()).isFalse();
    assertThat(create(planner("always_on", null), parent(false)).run().sampled()).isTrue();
    assertThat(create(planner("traceidratio", "0"), parent(true)).run().sampled()).isFalse();
  }

  @Test
  void aSamplerFromTheSdksServiceLoaderIsUsedToo() {
    assertThat(create(planner(NeverSampler.NAME, null), null).run().sampled()).isFalse();
  }

  @Test
  void confOverridesTheSampler() {
    var nr = planner("always_off", null).plan(DAG, RunRequest.manual(null, "{\"contrail.trace_sampled\": true}", null), NOW);
    assertThat(nr.run().trace().flags()).isEqualTo(TraceContext.SAMPLED);
  }

  @Test
  void badSamplerOrRatioStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> planner("no_such_sampler", null)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid OpenTelemetry setting").hasMessageContaining("no_such_sampler");
    assertThatThrownBy(() -> planner("traceidratio", "1.5")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid OpenTelemetry setting").hasMessageContaining("ratio");
  }

  private static boolean sdkSamples(Sampler sdk, String traceId) {
    return sdk.shouldSample(Context.root(), traceId, "dag_run.etl", SpanKind.INTERNAL, Attributes.empty(), List.of())
        .getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
  }
}
