package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A {@code type: noop} task: succeeds at once; for joins, placeholders and benchmarks. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NoopSpec() implements TaskSpec {
  @Override
  public String type() {
    return "noop";
  }
}
