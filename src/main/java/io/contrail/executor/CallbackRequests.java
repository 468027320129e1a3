package io.contrail.executor;

import io.contrail.api.CallbackKind;
import io.contrail.api.TaskDefinition;
import io.contrail.run.CallbackRequest;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import java.time.Instant;
import java.util.List;

/** Which of a task's callbacks a finished try calls for: on_success, on_retry (up_for_retry) or on_failure. */
public final class CallbackRequests {
  private CallbackRequests() {}

  /** The callback request for the task instance's new state, if the task has that callback. */
  public static List<CallbackRequest> requested(TaskDefinition task, TaskInstance finished, TaskAttempt attempt,
      String traceId, Instant at) {
    CallbackKind kind = kindOf(finished.state());
    if (task == null || kind == null || !task.callbacks().has(kind)) {
      return List.of();
    }
    return List.of(CallbackRequest.forTask(kind, finished, attempt, traceId, at));
  }

  static CallbackKind kindOf(TaskState state) {
    return switch (state) {
      case SUCCESS -> CallbackKind.ON_SUCCESS;
      case UP_FOR_RETRY -> CallbackKind.ON_RETRY;
      case FAILED -> CallbackKind.ON_FAILURE;
      default -> null;
    };
  }
}
