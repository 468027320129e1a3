package io.contrail.operations;

import io.contrail.run.RunType;
import io.contrail.run.TraceContext;
import io.contrail.schedule.DataInterval;
import java.util.Objects;

/**
 * What a caller asks of {@link RunCreator}: a manual run (the CLI's {@code dags trigger} and
 * {@code dags test}, later the REST API), a scheduled run for a data interval (the scheduler), or a
 * backfill run for one (the {@code dags backfill} command).
 *
 * @param runId the run id to use, or null to generate one from the run type
 * @param interval the data interval (null for a manual run: its logical date is the trigger time)
 * @param conf the run conf as a JSON object text, or null
 * @param traceparent a W3C traceparent the run's trace joins, or null (a conf key may carry one too)
 * @param createdBy the scheduler.loop span that created a scheduled run, or null
 */
public record RunRequest(RunType type, String runId, DataInterval interval, String conf, String traceparent,
    TraceContext createdBy) {

  public RunRequest {
    Objects.requireNonNull(type, "type");
    if (type != RunType.MANUAL) {
      Objects.requireNonNull(interval, "interval of a " + type.id() + " run");
    }
  }

  public static RunRequest manual(String runId, String conf, String traceparent) {
    return new RunRequest(RunType.MANUAL, runId, null, conf, traceparent, null);
  }

  public static RunRequest scheduled(DataInterval interval, TraceContext createdBy) {
    return new RunRequest(RunType.SCHEDULED, null, interval, null, null, createdBy);
  }

  public static RunRequest backfill(DataInterval interval, String conf) {
    return new RunRequest(RunType.BACKFILL, null, interval, conf, null, null);
  }
}
