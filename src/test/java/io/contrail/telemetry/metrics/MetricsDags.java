package io.contrail.telemetry.metrics;

/** DAG files the metrics tests run. */
final class MetricsDags {
  private MetricsDags() {}

  /** success, failure and a retry in one run: the run fails because "broken" fails. */
  static final String MIXED = """
      dag_id: metrics_mixed
      schedule: null
      start_date: 2026-01-01
      tasks:
        - task_id: ok
          type: noop
        - task_id: broken
          type: shell
          command: "exit 3"
        - task_id: flaky
          type: shell
          command: '[ "$CONTRAIL_TRY_NUMBER" -ge 2 ]'
          retries: 1
          retry_delay: 100ms
      """;
}
