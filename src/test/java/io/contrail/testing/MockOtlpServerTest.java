package io.contrail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MockOtlpServerTest {
  @Test
  void receivesASpanPostedAsOtlpJson() throws Exception {
    try (MockOtlpServer server = MockOtlpServer.start()) {
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
}
