package io.contrail.dag;

import java.util.Objects;

/**
 * Why one DAG file (or jar) could not be loaded, as shown by {@code dags list-import-errors} and the
 * UI. {@code line} is 1-based, or 0 when the error has no line (a jar, an unreadable file).
 */
public record ImportError(String file, int line, String message) {

  public ImportError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    // line 0 means the error has no line (an unreadable file, a jar): "file: reason", not "file:0: reason"
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
