package io.contrail.cli;

import io.contrail.api.Dag;
import io.contrail.api.HttpSpec;
import io.contrail.api.JavaSpec;
import io.contrail.api.ShellSpec;
import io.contrail.api.SleepSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.dag.DurationText;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.DagStore;
import io.contrail.storage.StoredDag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DAG for {@code --json}: snake_case keys as in the DAG file, and values as a user writes them
 * ({@code "type": "shell"}, {@code "retry_delay": "5s"}, {@code "trigger_rule": "all_success"}).
 */
final class DagJson {
  private DagJson() {}

  /**
   * Everything {@code dags show} knows of a DAG, tasks in DAG order; literal secrets in task env,
   * headers or URLs are shown as {@code ***}.
   */
  static Map<String, Object> of(StoredDag stored, SecretsMasker masker) {
    Dag dag = stored.dag();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dag_id", dag.dagId());
    m.put("description", dag.description());
    m.put("schedule", dag.schedule());
    m.put("start_date", dag.startDate().toString());
    m.put("catchup", dag.catchup());
    m.put("is_paused", stored.paused());
    m.put("max_active_runs", dag.maxActiveRuns());
    m.put("max_active_tasks", dag.maxActiveTasks());
    m.put("tags", dag.tags());
    m.put("fileloc", dag.fileloc());
    m.put("tasks", dag.tasks().stream().map(DagJson::task).toList());
    return masker.redact(m);
  }

  static Map<String, Object> task(TaskDefinition t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task_id", t.taskId());
    m.put("type", t.type());
    if (t.spec() instanceof ShellSpec s) {
      m.put("command", s.command());
      m.put("env", s.env());
    } else if (t.spec() instanceof HttpSpec h) {
      m.put("method", h.method());
      m.put("url", h.url());
      m.put("headers", h.headers());
      m.put("body", h.body());
      m.put("expect_status", h.expectStatus());
    } else if (t.spec() instanceof SleepSpec s) {
      m.put("duration", DurationText.format(s.duration()));
    } else if (t.spec() instanceof JavaSpec j) {
      m.put("class", j.className());
    }
    m.put("depends_on", t.dependsOn());
    m.put("trigger_rule", t.triggerRule().id());
    m.put("retries", t.retry().retries());
    m.put("retry_delay", DurationText.format(t.retry().retryDelay()));
    m.put("retry_exponential_backoff", t.retry().retryExponentialBackoff());
    m.put("max_retry_delay", DurationText.format(t.retry().maxRetryDelay()));
    m.put("execution_timeout", DurationText.format(t.executionTimeout()));
    m.put("pool", t.queueing().pool());
    m.put("pool_slots", t.queueing().poolSlots());
    m.put("priority_weight", t.queueing().priorityWeight());
    return m;
  }

  /** What {@code dags list --json} prints per DAG. */
  static List<Map<String, Object>> summaries(List<DagStore.DagListing> dags) {
    return dags.stream().map(d -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dag_id", d.dagId());
      m.put("is_paused", d.paused());
      m.put("schedule", d.schedule());
      m.put("tasks", d.tasks());
      m.put("tags", d.tags());
      m.put("fileloc", d.fileloc());
      return m;
    }).toList();
  }
}
