package io.contrail.scheduler;

import static io.contrail.scheduler.DagBuilder.aDag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.dag.Dag;
import io.contrail.run.RunSampler;
import io.contrail.run.RunType;
import io.contrail.run.TraceIds;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG decide a run's trace flags when it is created,
 * as the SDK's samplers would.
 */
class RunSamplingTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static final Dag DAG = aDag("etl").task("extract").task("load", "extract").build();
  private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";

  private static RunSampler sampler(String name, String arg) {
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_TRACES_SAMPLER", name);
    if (arg != null) {
      env.put("OTEL_TRACES_SAMPLER_ARG", arg);
    }
    return RunSampler.fromEnvironment(env);
  }

  private static RunFactory.NewRun create(RunSampler sampler, String traceparent) {
    return RunFactory.create(DAG, RunType.MANUAL, null, NOW, null, null, traceparent, NOW, sampler);
  }

  private static String parent(boolean sampled) {
    return "00-" + PARENT_TRACE + "-" + PARENT_SPAN + (sampled ? "-01" : "-00");
  }

  @Test
  void traceIdRatioZeroSamplesNoRun() {
    RunSampler none = sampler("traceidratio", "0");
    for (int i = 0; i < 200; i++) {
      RunFactory.NewRun nr = create(none, null);
      assertThat(nr.run().traceFlags()).isZero();
      assertThat(nr.taskInstances()).allSatisfy(ti -> assertThat(ti.traceFlags()).isZero());
    }
  }

  @Test
  void traceIdRatioOneSamplesEveryRun() {
    RunSampler all = sampler("traceidratio", "1");
    for (int i = 0; i < 200; i++) {
      RunFactory.NewRun nr = create(all, null);
      assertThat(nr.run().traceFlags()).isEqualTo(TraceIds.SAMPLED);
      assertThat(nr.taskInstances()).allSatisfy(ti -> assertThat(ti.traceFlags()).isEqualTo(TraceIds.SAMPLED));
    }
  }

  @Test
  void traceIdRatioDecidesAsTheSdkDoes() {
    RunSampler half = sampler("traceidratio", "0.5");
    Sampler sdk = Sampler.traceIdRatioBased(0.5);
    int sampled = 0;
    for (int i = 0; i < 2000; i++) {
      String traceId = TraceIds.newTraceId();
      boolean ours = half.sample(traceId, null);
      assertThat(ours).as(traceId).isEqualTo(sdkSamples(sdk, traceId, Context.root()));
      sampled += ours ? 1 : 0;
    }
    assertThat(sampled).isBetween(800, 1200);
  }

  @Test
  void parentBasedFollowsASampledOrUnsampledTraceparent() {
    for (String name : List.of("parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio")) {
      RunSampler s = sampler(name, "0");
      assertThat(create(s, parent(true)).run().traceFlags()).as(name + ", sampled parent").isEqualTo(TraceIds.SAMPLED);
      assertThat(create(s, parent(false)).run().traceFlags()).as(name + ", unsampled parent").isZero();
    }
    // without a parent the root sampler decides
    assertThat(create(sampler("parentbased_always_off", null), null).run().traceFlags()).isZero();
    assertThat(create(sampler("parentbased_always_on", null), null).run().traceFlags()).isEqualTo(TraceIds.SAMPLED);
    assertThat(create(sampler("parentbased_traceidratio", "0"), null).run().traceFlags()).isZero();
    assertThat(create(sampler("parentbased_traceidratio", "1"), null).run().traceFlags()).isEqualTo(TraceIds.SAMPLED);
  }

  @Test
  void parentBasedDecidesAsTheSdkDoes() {
    for (String name : List.of("always_on", "always_off", "traceidratio")) {
      RunSampler ours = sampler("parentbased_" + name, "0.5");
      Sampler root = name.equals("always_on") ? Sampler.alwaysOn()
          : name.equals("always_off") ? Sampler.alwaysOff() : Sampler.traceIdRatioBased(0.5);
      Sampler sdk = Sampler.parentBased(root);
      for (boolean parentSampled : new boolean[] {true, false}) {
        Context remote = Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(PARENT_TRACE, PARENT_SPAN,
            parentSampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())));
        assertThat(ours.sample(PARENT_TRACE, parentSampled)).as(name + " " + parentSampled)
            .isEqualTo(sdkSamples(sdk, PARENT_TRACE, remote));
      }
      String fresh = TraceIds.newTraceId();
      assertThat(ours.sample(fresh, null)).as(name + " root").isEqualTo(sdkSamples(sdk, fresh, Context.root()));
    }
  }

  @Test
  void plainSamplersIgnoreTheParentFlag() {
    assertThat(create(sampler("always_off", null), parent(true)).run().traceFlags()).isZero();
    assertThat(create(sampler("always_on", null), parent(false)).run().traceFlags()).isEqualTo(TraceIds.SAMPLED);
    assertThat(create(sampler("traceidratio", "0"), parent(true)).run().traceFlags()).isZero();
  }

  @Test
  void confOverridesTheSampler() {
    var nr = RunFactory.create(DAG, RunType.MANUAL, null, NOW, null, "{\"contrail.trace_sampled\": true}", null, NOW,
        sampler("always_off", null));
    assertThat(nr.run().traceFlags()).isEqualTo(TraceIds.SAMPLED);
  }

  @Test
  void badSamplerOrRatioIsRejectedWithTheAllowedValues() {
    assertThatThrownBy(() -> sampler("jaeger_remote", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parentbased_traceidratio");
    assertThatThrownBy(() -> sampler("traceidratio", "1.5")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1");
  }

  private static boolean sdkSamples(Sampler sdk, String traceId, Context parent) {
    return sdk.shouldSample(parent, traceId, "dag_run.etl", SpanKind.INTERNAL, Attributes.empty(), List.of())
        .getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
  }
}
