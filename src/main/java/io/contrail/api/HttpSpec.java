package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code type: http} task: one request; success when the response status is one of
 * {@code expectStatus} (default 200). Placeholders are expanded in the url, headers and body.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HttpSpec(String method, String url, Map<String, String> headers, String body,
    List<Integer> expectStatus) implements TaskSpec {
  public HttpSpec {
    Objects.requireNonNull(url, "url");
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    headers = Map.copyOf(headers == null ? Map.of() : headers);
    expectStatus = expectStatus == null || expectStatus.isEmpty() ? List.of(200) : List.copyOf(expectStatus);
  }

  public HttpSpec withHeaders(Map<String, String> newHeaders) {
    return new HttpSpec(method, url, newHeaders, body, expectStatus);
  }

  public HttpSpec withBody(String newBody) {
    return new HttpSpec(method, url, headers, newBody, expectStatus);
  }

  public HttpSpec expecting(List<Integer> statuses) {
    return new HttpSpec(method, url, headers, body, statuses);
  }

  @Override
  public String type() {
    return "http";
  }
}
