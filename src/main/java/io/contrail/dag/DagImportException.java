package io.contrail.dag;

/**
 * A DAG file that cannot be turned into a {@link io.contrail.api.Dag}: names the file, the 1-based line of the
 * offending key or task (0 when there is no line, as for jars) and the reason, so the message reads
 * like a compiler error: {@code dags/etl.yaml:12: unknown key 'retires'}.
 */
final class DagImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String reason;

  DagImportException(String file, int line, String message) {
    super(file + ":" + line + ": " + message);
    this.file = file;
    this.line = line;
    this.reason = message;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** The message without the file and line prefix. */
  public String reason() {
    return reason;
  }

  public ImportError toImportError() {
    return new ImportError(file, line, reason);
  }
}
