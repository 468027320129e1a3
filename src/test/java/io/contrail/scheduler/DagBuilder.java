package io.contrail.scheduler;

import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.dag.TaskType;
import io.contrail.dag.TriggerRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Builds small DAGs of noop tasks for scheduler tests: {@code aDag("etl").task("a").task("b", "a")}. */
final class DagBuilder {
  private final String dagId;
  private String schedule;
  private Instant startDate = Instant.parse("2026-01-01T00:00:00Z");
  private boolean catchup;
  private int maxActiveRuns;
  private int maxActiveTasks;
  private final List<TaskDefinition> tasks = new ArrayList<>();

  private DagBuilder(String dagId) {
    this.dagId = dagId;
  }

  static DagBuilder aDag(String dagId) {
    return new DagBuilder(dagId);
  }

  DagBuilder schedule(String s) { this.schedule = s; return this; }
  DagBuilder startDate(Instant d) { this.startDate = d; return this; }
  DagBuilder catchup(boolean c) { this.catchup = c; return this; }
  DagBuilder maxActiveRuns(int n) { this.maxActiveRuns = n; return this; }
  DagBuilder maxActiveTasks(int n) { this.maxActiveTasks = n; return this; }

  /** A noop task depending on {@code upstream}. */
  DagBuilder task(String taskId, String... upstream) {
    return task(taskId, b -> b.dependsOn(upstream));
  }

  DagBuilder task(String taskId, TriggerRule rule, String... upstream) {
    return task(taskId, b -> b.dependsOn(upstream).triggerRule(rule));
  }

  /** A noop task with whatever else {@code settings} sets (retries, pool, weight ...). */
  DagBuilder task(String taskId, UnaryOperator<TaskDefinition.Builder> settings) {
    tasks.add(settings.apply(TaskDefinition.builder(taskId, TaskType.NOOP)
        .retryDelay(Duration.ofSeconds(30))).build());
    return this;
  }

  Dag build() {
    return new Dag(dagId, "", schedule, startDate, catchup, false, maxActiveRuns, maxActiveTasks,
        List.of(), tasks, "/dags/" + dagId + ".yaml");
  }
}
