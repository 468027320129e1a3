package io.contrail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test receiver itself: real OTLP/HTTP in, parsed spans out, on ports of its own. */
class MockOtlpServerTest {
  @Test
  void receivesASpanPostedAsOtlpJson() throws Exception {
    try (MockOtlpServer server = MockOtlpServer.start()) {
      postProbeSpan(server);
    }
  }

  @Test
  void worksBesideACollectorHoldingTheDefaultOtlpPorts() throws Exception {
    // what a Collector from deploy/ would hold; if something already does, that is the same case
    List<ServerSocket> held = new ArrayList<>();
    for (int port : new int[] {4317, 4318}) {
      try {
        held.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
      } catch (IOException alreadyTaken) {
        // somebody else's Collector: fine
      }
    }
    try (MockOtlpServer server = MockOtlpServer.start()) {
      assertThat(List.of(server.grpcPort(), server.httpPort())).doesNotContain(4317, 4318).doesNotContain(0);
      postProbeSpan(server);
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static void postProbeSpan(MockOtlpServer server) throws Exception {
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"probe\"}}]},"
        + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"1111111111111111\","
        + "\"name\":\"probe-span\",\"kind\":1,\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\"}]}]}]}";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    var spans = server.awaitSpans(s -> !s.isEmpty(), Duration.ofSeconds(10));
    assertThat(spans).extracting(s -> s.path("name").asText()).containsExactly("probe-span");
    assertThat(spans.get(0).path("resource").path("service.name").asText()).isEqualTo("probe");
  }
}
