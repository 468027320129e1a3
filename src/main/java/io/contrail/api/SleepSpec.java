package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;

/** A {@code type: sleep} task: waits for {@code duration}; fails if execution_timeout is shorter. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SleepSpec(Duration duration) implements TaskSpec {
  public SleepSpec {
    duration = duration == null ? Duration.ZERO : duration;
  }

  @Override
  public String type() {
    return "sleep";
  }
}
