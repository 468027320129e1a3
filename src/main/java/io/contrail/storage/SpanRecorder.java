package io.contrail.storage;

import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import java.util.ArrayList;
import java.util.List;

/**
 * What a store writes to the span outbox with a state change, per {@link SpanRecording}: which
 * finished, sampled rows get an outbox row, and the id of this process's stored resource named on
 * them. Shared by the run store (the scheduler's and executors' changes) and the operation store
 * (a user's clear, mark and stop), so both record spans by the same rules.
 */
final class SpanRecorder {
  private final SpanRecording recording;
  private final JdbcSpanResources resources;
  private volatile Long resourceId;

  SpanRecorder(SpanRecording recording, JdbcSpanResources resources) {
    this.recording = recording;
    this.resources = resources;
  }

  boolean on() {
    return recording.on();
  }

  /** Whether started tries are recorded in the log outbox too ([logs] otel_on). */
  boolean logs() {
    return recording.logs();
  }

  /**
   * This process's span resource id, registered the first time a span is recorded (in its own
   * short transaction, before the state change's); null when recording is off.
   */
  Long resourceId() {
    if (!recording.on()) {
      return null;
    }
    Long id = resourceId;
    if (id == null) {
      id = resources.register(recording.resourceAttributes().get()); // idempotent: a race is harmless
      resourceId = id;
    }
    return id;
  }

  boolean records(DagRun run) {
    return recording.on() && run.state().isFinished() && run.sampled();
  }

  boolean records(TaskInstance ti) {
    return recording.on() && ti.state().isFinished() && ti.trace().sampled();
  }

  boolean records(TaskChange change) {
    TaskAttempt a = change.attempt();
    return records(change.after()) || a != null && recording.on() && change.after().trace().sampled()
        && a.state().isFinished() && a.endDate() != null;
  }

  /** The resource to name on the change's attempt row: only a finished, recorded attempt gets one. */
  static Long attemptResource(TaskChange change, Long resource) {
    TaskAttempt a = change.attempt();
    return resource != null && a != null && a.state().isFinished() && a.endDate() != null ? resource : null;
  }

  /** Outbox rows of applied changes: finished sampled task instances and attempts. */
  List<Object[]> outboxRows(List<TaskChange> applied) {
    List<Object[]> rows = new ArrayList<>();
    for (TaskChange c : applied) {
      if (!records(c)) {
        continue;
      }
      if (records(c.after())) {
        rows.add(JdbcSpanOutbox.taskRow(c.after()));
      }
      TaskAttempt a = c.attempt();
      if (a != null && a.state().isFinished() && a.endDate() != null) {
        rows.add(JdbcSpanOutbox.attemptRow(a));
      }
    }
    return rows;
  }
}
