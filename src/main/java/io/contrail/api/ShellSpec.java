package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code type: shell} task: {@code bash -c command} in its own process group, with {@code env}
 * added to the task's environment; exit code 0 is success. Placeholders are expanded in both.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShellSpec(String command, Map<String, String> env) implements TaskSpec {
  public ShellSpec {
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env == null ? Map.of() : env);
  }

  /** This command with {@code env} added to its environment. */
  public ShellSpec withEnv(Map<String, String> newEnv) {
    return new ShellSpec(command, newEnv);
  }

  @Override
  public String type() {
    return "shell";
  }
}
