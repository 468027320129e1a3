package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/**
 * A {@code type: java} task: the named class implements {@link Task} and has a public no-argument
 * constructor; it is loaded from the classpath or from the jars in dags_folder.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JavaSpec(String className) implements TaskSpec {
  public JavaSpec {
    Objects.requireNonNull(className, "className");
  }

  @Override
  public String type() {
    return "java";
  }
}
