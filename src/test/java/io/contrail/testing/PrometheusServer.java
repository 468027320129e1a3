package io.contrail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real Prometheus server ({@link Peers#prometheus()}) on a config file, with exemplar storage on
 * as deploy/docker-compose.yml runs it, and its HTTP query API: instant queries and
 * {@code /api/v1/query_exemplars}, which is what Grafana asks for a panel's exemplars.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggedProcess process;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(URI base, Path binary, Path config, Path dir) {
    this.base = base;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.process = LoggedProcess.start(List.of(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=" + base.getAuthority(),
        "--enable-feature=exemplar-storage"), dir.resolve("prometheus.log"), Duration.ofSeconds(30), p -> ready());
  }

  /** Starts Prometheus on {@code config}, keeping its data under {@code dir}, and waits until it is ready. */
  public static PrometheusServer start(Path binary, Path config, Path dir, int port) {
    return new PrometheusServer(URI.create("http://127.0.0.1:" + port), binary, config, dir);
  }

  /** The result array of an instant query at the current time. */
  public JsonNode query(String promql) {
    return get("/api/v1/query?query=" + encode(promql)).path("result");
  }

  /** The exemplars Prometheus holds for the series selected in {@code promql}, grouped by series. */
  public JsonNode queryExemplars(String promql, Instant start, Instant end) {
    return get("/api/v1/query_exemplars?query=" + encode(promql) + "&start=" + start.getEpochSecond()
        + "&end=" + (end.getEpochSecond() + 1));
  }

  public String log() {
    return process.log();
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new IllegalArgumentException("Prometheus answered " + r.statusCode() + " to " + pathAndQuery + ": " + r.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.close();
  }
}
