package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [logs] endpoint keys default to [traces], and the OTEL_* variables win over both. */
class LogEndpointTest {
  @TempDir Path home;

  private ContrailConfig config(Map<String, String> vars) {
    return ConfigLoader.load(home, vars);
  }

  @Test
  void withoutLogKeysLogRecordsFollowTheTracesEndpoint() {
    assertThat(TraceSdk.logDefaults(config(Map.of()), Map.of())).isEmpty();
  }

  @Test
  void aLogPortOfItsOwnMakesALogsEndpointWithTheTracesHostAndProtocol() {
    ContrailConfig c = config(Map.of("CONTRAIL__TRACES__OTEL_HOST", "collector", "CONTRAIL__LOGS__OTEL_PORT", "4999"));
    assertThat(TraceSdk.logDefaults(c, Map.of())).containsEntry("otel.exporter.otlp.logs.endpoint", "http://collector:4999")
        .containsEntry("otel.exporter.otlp.logs.protocol", "grpc");
  }

  @Test
  void anHttpLogsEndpointNamesTheLogsPath() {
    ContrailConfig c = config(Map.of("CONTRAIL__LOGS__OTEL_PROTOCOL", "http/protobuf", "CONTRAIL__LOGS__OTEL_PORT", "4318",
        "CONTRAIL__LOGS__OTEL_SSL_ACTIVE", "true"));
    assertThat(TraceSdk.logDefaults(c, Map.of()))
        .containsEntry("otel.exporter.otlp.logs.endpoint", "https://localhost:4318/v1/logs");
  }

  @Test
  void otelVariablesWinOverTheLogKeys() {
    ContrailConfig c = config(Map.of("CONTRAIL__LOGS__OTEL_PORT", "4999", "CONTRAIL__LOGS__OTEL_PROTOCOL", "http/protobuf"));
    assertThat(TraceSdk.logDefaults(c, Map.of("otel.exporter.otlp.endpoint", "http://elsewhere:4317",
        "otel.exporter.otlp.protocol", "grpc"))).isEmpty();
  }

  @Test
  void aBadLogPortIsRejectedNamingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> config(Map.of("CONTRAIL__LOGS__OTEL_PORT", "70000")))
        .hasMessageContaining("CONTRAIL__LOGS__OTEL_PORT").hasMessageContaining("not a port number");
  }
}
