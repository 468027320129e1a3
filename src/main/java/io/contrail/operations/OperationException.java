package io.contrail.operations;

/**
 * An operation that cannot be done as asked, with a message naming what and why: the DAG, run or
 * task does not exist ({@link Kind#NOT_FOUND}), its state does not allow it ({@link Kind#CONFLICT},
 * as Airflow's 409), or the request itself is wrong ({@link Kind#INVALID}). The CLI prints the
 * message; the REST API maps the kind to its status code.
 */
public final class OperationException extends RuntimeException {
  /** What kind of refusal it is. */
  public enum Kind { NOT_FOUND, CONFLICT, INVALID }

  private final Kind kind;

  public OperationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static OperationException notFound(String message) {
    return new OperationException(Kind.NOT_FOUND, message);
  }

  static OperationException conflict(String message) {
    return new OperationException(Kind.CONFLICT, message);
  }

  static OperationException invalid(String message) {
    return new OperationException(Kind.INVALID, message);
  }
}
