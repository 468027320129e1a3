package io.contrail.operations;

import io.contrail.run.RunOrigin;
import io.contrail.run.RunType;
import io.contrail.run.TraceContext;
import io.contrail.schedule.DataInterval;
import java.util.Objects;

/**
 * What a caller asks of {@link RunCreator}: a manual run (the CLI's {@code dags trigger} and
 * {@code dags test}, the REST API), a scheduled run for a data interval (the scheduler), or a
 * backfill run for one (the {@code dags backfill} command).
 *
 * @param runId the run id to use, or null to generate one from the run type
 * @param interval the data interval (null for a manual run: its logical date is the trigger time)
 * @param conf the run conf as a JSON object text, or null
 * @param traceparent a W3C traceparent the run's trace joins, or null (a conf key may carry one too)
 * @param createdBy the span that created the run (a scheduler.loop, an API request), or null; the
 *     run's span links to it
 * @param origin who asked and how; null for the run type's default
 */
public record RunRequest(RunType type, String runId, DataInterval interval, String conf, String traceparent,
    TraceContext createdBy, RunOrigin origin) {

  public RunRequest {
    Objects.requireNonNull(type, "type");
    if (type != RunType.MANUAL) {
      Objects.requireNonNull(interval, "interval of a " + type.id() + " run");
    }
    origin = origin == null ? RunOrigin.of(type) : origin;
  }

  public static RunRequest manual(String runId, String conf, String traceparent) {
    return new RunRequest(RunType.MANUAL, runId, null, conf, traceparent, null, null);
  }

  /**
   * A manual run asked for by {@code origin}'s user, for {@code interval} when they named a logical
   * date (else null: the trigger time), created by the span {@code createdBy} (or null).
   */
  public static RunRequest manual(String runId, DataInterval interval, String conf, String traceparent,
      TraceContext createdBy, RunOrigin origin) {
    return new RunRequest(RunType.MANUAL, runId, interval, conf, traceparent, createdBy, origin);
  }

  public static RunRequest scheduled(DataInterval interval, TraceContext createdBy) {
    return new RunRequest(RunType.SCHEDULED, null, interval, null, null, createdBy, null);
  }

  public static RunRequest backfill(DataInterval interval, String conf) {
    return new RunRequest(RunType.BACKFILL, null, interval, conf, null, null, null);
  }
}
