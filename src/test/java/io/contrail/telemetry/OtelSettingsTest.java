package io.contrail.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.config.ConfigException;
import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenTelemetry settings shell tasks get, the propagators http tasks use, and what start-up rejects. */
class OtelSettingsTest {
  @TempDir Path home;

  private ContrailConfig.Traces traces(boolean on) {
    return ConfigLoader.load(home, Map.of("CONTRAIL__TRACES__OTEL_ON", String.valueOf(on))).traces();
  }

  private static OtelSettings settings(Map<String, String> env) {
    return OtelSettings.resolve(Environment.of(env));
  }

  @Test
  void otelPropagatorsIsPassedOnWhenSetWithTracesOnOrOff() {
    OtelSettings otel = settings(Map.of("OTEL_PROPAGATORS", "tracecontext,b3multi", "OTEL_EXPORTER_OTLP_HEADERS", "a=b"));

    assertThat(otel.envForTasks(traces(false))).isEqualTo(Map.of("OTEL_PROPAGATORS", "tracecontext,b3multi"));
    assertThat(otel.envForTasks(traces(true)))
        .containsEntry("OTEL_PROPAGATORS", "tracecontext,b3multi")
        .containsEntry("OTEL_EXPORTER_OTLP_HEADERS", "a=b")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317")
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
  }

  @Test
  void nothingIsAddedWhenOtelPropagatorsIsNotSet() {
    assertThat(settings(Map.of()).envForTasks(traces(false))).isEmpty();
    assertThat(settings(Map.of()).envForTasks(traces(true))).doesNotContainKey("OTEL_PROPAGATORS");
  }

  @Test
  void propagatorNamesMapToTheirHeadersAsInTheSdk() {
    assertThat(settings(Map.of()).propagator().fields()).contains("traceparent", "tracestate", "baggage");
    assertThat(settings(Map.of("OTEL_PROPAGATORS", "b3")).propagator().fields()).containsExactly("b3");
    assertThat(settings(Map.of("OTEL_PROPAGATORS", "B3Multi")).propagator().fields())
        .contains("X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled");
    assertThat(settings(Map.of("OTEL_PROPAGATORS", "tracecontext, jaeger")).propagator().fields())
        .contains("traceparent", "uber-trace-id");
    assertThat(settings(Map.of("OTEL_PROPAGATORS", "none")).propagator().fields()).isEmpty();
  }

  @Test
  void anUnknownPropagatorStopsStartUpInsteadOfBeingSkipped() {
    assertThatThrownBy(() -> settings(Map.of("OTEL_PROPAGATORS", "nonsense,tracecontext")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid OpenTelemetry setting")
        .hasMessageContaining("nonsense");
  }

  @Test
  void aDisabledSdkStillLeavesRunsSampledByDefault() {
    OtelSettings otel = settings(Map.of("OTEL_SDK_DISABLED", "true"));

    assertThat(otel.sampler().getDescription()).isEqualTo(Sampler.parentBased(Sampler.alwaysOn()).getDescription());
  }

  @Test
  void systemPropertiesWinOverVariablesAsInTheSdk() {
    Environment env = new Environment(Map.of("OTEL_PROPAGATORS", "b3"), Map.of("otel.propagators", "jaeger"), "h");

    assertThat(OtelSettings.resolve(env).propagator().fields()).containsExactly("uber-trace-id");
    assertThat(OtelSettings.resolve(env).envForTasks(traces(false))).containsEntry("OTEL_PROPAGATORS", "jaeger");
  }

  @Test
  void aDeferredSamplerDecidesAsTheSdksAndRejectsWhatItRejectsWhenFirstUsed() {
    // without OTEL_TRACES_SAMPLER the SDK's default, without building an SDK
    Sampler byDefault = OtelSettings.deferred(Environment.of(Map.of())).deferredSampler();
    assertThat(byDefault.getDescription()).isEqualTo(settings(Map.of()).sampler().getDescription());

    Map<String, String> ratio = Map.of("OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.25");
    Sampler deferred = OtelSettings.deferred(Environment.of(ratio)).deferredSampler();
    assertThat(deferred.getDescription()).isEqualTo(settings(ratio).sampler().getDescription()).contains("0.25");

    // a setting the SDK refuses: nothing happens until a decision is asked for, then the usual error
    Sampler bad = OtelSettings.deferred(Environment.of(Map.of("OTEL_TRACES_SAMPLER", "sometimes"))).deferredSampler();
    assertThatThrownBy(bad::getDescription)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid OpenTelemetry setting")
        .hasMessageContaining("sometimes");
  }
}
