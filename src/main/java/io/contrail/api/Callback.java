package io.contrail.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.Objects;

/**
 * What a callback does: a shell command or an http request, written as the shell and http task
 * types are ({@link ShellSpec}, {@link HttpSpec}), with the usual placeholders plus
 * {@code {{ exception }}} and {@code {{ state }}}, and the longest it may take.
 */
@JsonSerialize(using = CallbackJson.Writer.class)
@JsonDeserialize(using = CallbackJson.Reader.class)
public record Callback(TaskSpec action, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

  public Callback {
    Objects.requireNonNull(action, "action");
    if (!(action instanceof ShellSpec) && !(action instanceof HttpSpec)) {
      throw new IllegalArgumentException("a callback is a shell command or an http request, not a "
          + action.type() + " task");
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  /** Runs {@code command} with bash, as a shell task would. */
  public static Callback shell(String command) {
    return new Callback(TaskSpec.shell(command), null);
  }

  /** Sends the request, as an http task would. */
  public static Callback http(HttpSpec request) {
    return new Callback(request, null);
  }
}
