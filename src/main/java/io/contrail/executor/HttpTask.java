package io.contrail.executor;

import io.contrail.api.HttpSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A {@code type: http} task: one request with the rendered url, headers and body; success when the
 * status is one of expect_status. The response is written to the log (truncated).
 */
final class HttpTask implements TaskBody<HttpSpec> {
  private static final int MAX_LOGGED_BODY = 10_000;
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(30))
      .followRedirects(HttpClient.Redirect.NORMAL)
      .build();

  @Override
  public Outcome run(AttemptContext ctx, HttpSpec spec) throws InterruptedException {
    String url = ctx.render(spec.url());
    String method = spec.method();
    String body = ctx.render(spec.body());
    // a password in the url, a token in its query or a secret header: masked in the log, errors, spans
    ctx.masker().addNamed("url", url);
    HttpRequest.Builder rb;
    try {
      rb = HttpRequest.newBuilder(URI.create(url));
    } catch (IllegalArgumentException e) {
      return Outcome.failed(null, "invalid url '" + url + "': " + e.getMessage());
    }
    rb.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    spec.headers().forEach((k, v) -> {
      String value = ctx.render(v);
      ctx.masker().addNamed(k, value);
      rb.header(k, value);
    });
    // the attempt's span context, in the headers OTEL_PROPAGATORS names (W3C traceparent by default)
    ctx.propagator().inject(ctx.otelContext(), rb, (b, k, v) -> b.setHeader(k, v));
    if (ctx.timeout() != null) {
      rb.timeout(ctx.timeout());
    }
    ctx.log().println("[contrail] " + method + " " + url);
    try {
      HttpResponse<String> response = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body() == null ? "" : response.body();
      ctx.log().println("[contrail] HTTP " + response.statusCode());
      ctx.log().println(text.length() > MAX_LOGGED_BODY ? text.substring(0, MAX_LOGGED_BODY) + "..." : text);
      if (spec.expectStatus().contains(response.statusCode())) {
        return Outcome.ok(null);
      }
      return Outcome.failed(null, "HTTP status " + response.statusCode() + " not in expect_status "
          + spec.expectStatus());
    } catch (HttpTimeoutException e) {
      return Outcome.failed(null, "execution_timeout of " + Durations.format(ctx.timeout()) + " exceeded");
    } catch (IOException e) {
      return Outcome.failed(null, method + " " + url + " failed: " + e);
    }
  }
}
