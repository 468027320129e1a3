package io.contrail.rest;

import java.util.List;
import java.util.Map;

/**
 * An answer other than success, as Airflow's REST API gives it: a status and a JSON body
 * {@code {"detail": ...}} whose detail is a message, an object (409 on a unique key) or a list of
 * validation errors (422). Thrown by the endpoints and written by the server's exception mapping.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final transient Object detail;

  public ApiException(int status, Object detail) {
    super(detail instanceof String s ? s : String.valueOf(status), null, false, false);
    this.status = status;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  /** A String, a Map or a List of {@link ValidationError} maps. */
  public Object detail() {
    return detail;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(401, detail);
  }

  public static ApiException forbidden() {
    return new ApiException(403, "Forbidden");
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, detail);
  }

  /** Airflow's answer to a duplicate key: a 409 whose detail is an object. */
  public static ApiException uniqueViolation(String message) {
    return new ApiException(409, Map.of("reason", "Unique constraint violation", "statement", "hidden",
        "orig_error", "hidden", "message", message));
  }

  /** 422 with a message as detail (Airflow's hand-raised validation errors). */
  public static ApiException invalid(String detail) {
    return new ApiException(422, detail);
  }

  /** 422 with one detail entry per problem, as FastAPI's request validation gives it. */
  public static ApiException invalid(List<ValidationError> errors) {
    return new ApiException(422, errors.stream().map(ValidationError::toJson).toList());
  }
}
