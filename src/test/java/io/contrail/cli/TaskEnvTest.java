package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.telemetry.Propagators;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenTelemetry settings shell tasks get, and the propagators http tasks use. */
class TaskEnvTest {
  @TempDir Path home;

  private ContrailConfig config(boolean tracesOn) {
    return ConfigLoader.load(home, Map.of("CONTRAIL__TRACES__OTEL_ON", String.valueOf(tracesOn)));
  }

  @Test
  void otelPropagatorsIsPassedOnWhenSetWithTracesOnOrOff() {
    Map<String, String> env = Map.of("OTEL_PROPAGATORS", "tracecontext,b3multi", "OTEL_EXPORTER_OTLP_HEADERS", "a=b");

    assertThat(App.otlpEnvForTasks(config(false), env)).isEqualTo(Map.of("OTEL_PROPAGATORS", "tracecontext,b3multi"));
    assertThat(App.otlpEnvForTasks(config(true), env))
        .containsEntry("OTEL_PROPAGATORS", "tracecontext,b3multi")
        .containsEntry("OTEL_EXPORTER_OTLP_HEADERS", "a=b")
        .containsKeys("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL");
  }

  @Test
  void nothingIsAddedWhenOtelPropagatorsIsNotSet() {
    assertThat(App.otlpEnvForTasks(config(false), Map.of())).isEmpty();
    assertThat(App.otlpEnvForTasks(config(true), Map.of())).doesNotContainKey("OTEL_PROPAGATORS");
  }

  @Test
  void propagatorNamesMapToTheirHeaders() {
    assertThat(Propagators.fromEnvironment(Map.of()).fields()).contains("traceparent", "tracestate", "baggage");
    assertThat(Propagators.parse("b3").fields()).containsExactly("b3");
    assertThat(Propagators.parse("B3Multi").fields()).contains("X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled");
    assertThat(Propagators.parse("tracecontext,jaeger").fields()).contains("traceparent", "uber-trace-id");
    assertThat(Propagators.parse("none").fields()).isEmpty();
    assertThat(Propagators.parse("nonsense,tracecontext").fields()).containsExactlyInAnyOrder("traceparent", "tracestate");
  }
}
