package io.contrail.scheduler;

import io.contrail.api.CallbackKind;
import io.contrail.api.Dag;
import io.contrail.api.Deadline;
import io.contrail.run.CallbackRequest;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.SpanEvent;
import io.contrail.storage.OperationStore;
import io.contrail.telemetry.Telemetry;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Airflow's deadline alerts: a run still queued or running when its DAG's deadline has passed
 * gets a {@code deadline_missed} event on its trace, the {@code dagrun.deadline_missed} counter
 * and its DAG's on_deadline_missed callback — once, whichever of several schedulers notices
 * first, because recording it is a compare-and-set that clears the pending deadline.
 */
final class DeadlineChecker {
  private static final Logger LOG = LoggerFactory.getLogger(DeadlineChecker.class);
  private static final int BATCH = 100;

  private final OperationStore operations;
  private final Function<String, Dag> dags;
  private final Predicate<RunKey> scope;
  private final Clock clock;
  private final Telemetry telemetry;

  DeadlineChecker(OperationStore operations, Function<String, Dag> dags, Predicate<RunKey> scope, Clock clock,
      Telemetry telemetry) {
    this.operations = operations;
    this.dags = dags;
    this.scope = scope;
    this.clock = clock;
    this.telemetry = telemetry;
  }

  void check() {
    Instant now = clock.instant();
    for (DagRun run : operations.dueDeadlines(now, BATCH)) {
      if (!scope.test(run.key())) {
        continue;
      }
      Dag dag = dags.apply(run.dagId());
      Deadline deadline = dag == null ? null : dag.deadline();
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("contrail.state", run.state().id());
      if (deadline != null) {
        attributes.put("contrail.deadline.after", deadline.after().id());
        attributes.put("contrail.deadline.within", deadline.within().toString());
      }
      SpanEvent event = new SpanEvent(run.key(), run.trace().currentSpanId(), now, "deadline_missed", attributes);
      List<CallbackRequest> callbacks = dag != null && dag.callbacks().has(CallbackKind.ON_DEADLINE_MISSED)
          ? List.of(CallbackRequest.forRun(CallbackKind.ON_DEADLINE_MISSED, run, now)) : List.of();
      if (operations.deadlineMissed(run, now, event, callbacks)) {
        LOG.warn("run {} missed its deadline ({} {} after {}), still {}", run.key(),
            deadline == null ? "" : "within", deadline == null ? "" : deadline.within(),
            deadline == null ? "" : deadline.after().id(), run.state().id());
        telemetry.deadlineMissed(run);
      }
    }
  }
}
