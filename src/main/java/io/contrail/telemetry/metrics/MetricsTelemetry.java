package io.contrail.telemetry.metrics;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TaskTimes;
import io.contrail.telemetry.Telemetry;
import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns what the scheduler and executors report into Airflow's metric catalog (docs/metrics.md):
 * counters, gauges and timers named as in Airflow, with the ids as tags — Contrail's keys, and
 * Airflow 3.3's where they differ ({@code operator_name}, {@code executor_class_name},
 * {@code status}, {@code queue}) — from which StatsD derives the legacy names. Run and task
 * durations are recorded in the run's or attempt's span context, so histograms carry exemplars that
 * point at the trace.
 */
public final class MetricsTelemetry implements Telemetry {
  private static final int TRACE_IDS_KEPT = 10_000;
  /** Airflow's default queue ([operators] default_queue); every Contrail task runs on it for now. */
  static final String DEFAULT_QUEUE = "default";

  private final Stats stats;
  private final SelfMetrics self;
  // task rows do not hold the run's trace id; runs seen by this process are remembered (bounded)
  private final Map<RunKey, String> traceIds = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RunKey, String> eldest) {
          return size() > TRACE_IDS_KEPT;
        }
      });

  MetricsTelemetry(Stats stats, SelfMetrics self) {
    this.stats = Objects.requireNonNull(stats);
    this.self = Objects.requireNonNull(self);
  }

  /** Where other telemetry (the traces backend) reports its own health. */
  public SelfMetrics selfMetrics() {
    return self;
  }

  @Override
  public void runCreated(DagRun run, List<TaskInstance> created) {
    remember(run);
    Map<String, Integer> byType = new TreeMap<>();
    created.forEach(ti -> byType.merge(ti.profile().taskType(), 1, Integer::sum));
    byType.forEach((type, n) -> stats.incr("task_instance_created", n,
        Tags.of("dag_id", run.dagId(), "run_type", run.runType().id(), "task_type", type)));
  }

  @Override
  public void runStateChanged(DagRun run, RunState from, RunState to) {
    remember(run);
    String dagId = run.dagId();
    Instant started = run.times().startDate();
    Instant intervalEnd = run.spec().dataIntervalEnd();
    if (to == RunState.RUNNING && run.runType() == RunType.SCHEDULED && started != null && intervalEnd != null) {
      // as in Airflow: how late a scheduled run started after its data interval ended
      stats.timing("dagrun.schedule_delay", between(intervalEnd, started), Tags.of("dag_id", dagId));
    }
    if ((to == RunState.SUCCESS || to == RunState.FAILED) && started != null && run.times().endDate() != null) {
      String state = to.id();
      // a re-run after a clear reports its own duration (start_date is the re-run's), tagged cleared
      Tags tags = run.clearNumber() > 0 ? Tags.of("dag_id", dagId, "run_type", run.runType().id(), "cleared", "true")
          : Tags.of("dag_id", dagId, "run_type", run.runType().id());
      stats.timing("dagrun.duration." + state, between(started, run.times().endDate()),
          tags, TraceContexts.remoteParent(run.trace().span()));
    }
  }

  @Override
  public void deadlineMissed(DagRun run) {
    stats.incr("dagrun.deadline_missed", Tags.of("dag_id", run.dagId(), "run_type", run.runType().id()));
  }

  @Override
  public void runFinished(DagRun run, List<TaskInstance> taskInstances) {
    Instant intervalEnd = run.spec().dataIntervalEnd();
    if (run.state() != RunState.SUCCESS || run.runType() != RunType.SCHEDULED || intervalEnd == null) {
      return; // Airflow reports it for successful scheduled runs only
    }
    taskInstances.stream().map(ti -> ti.times().startDate()).filter(Objects::nonNull).min(Instant::compareTo)
        .ifPresent(first -> stats.timing("dagrun.first_task_scheduling_delay",
            between(intervalEnd, first),
            Tags.of("dag_id", run.dagId()).airflow("run_type", run.runType().id())));
  }

  @Override
  public void taskStateChanged(TaskInstance before, TaskInstance after) {
    String dagId = after.dagId();
    String taskId = after.taskId();
    TaskTimes times = after.times();
    Tags tiTags = Tags.of("dag_id", dagId, "task_id", taskId);
    if (after.state() == TaskState.QUEUED && times.scheduledAt() != null && times.queuedAt() != null) {
      stats.timing("task.scheduled_duration", between(times.scheduledAt(), times.queuedAt()),
          tiTags.airflow("queue", DEFAULT_QUEUE));
    }
    if (after.state() == TaskState.RUNNING && before.state() != TaskState.RUNNING) {
      stats.incr("ti.start", tiTags);
      if (times.queuedAt() != null && times.startDate() != null) {
        stats.timing("task.queued_duration", between(times.queuedAt(), times.startDate()),
            tiTags.airflow("queue", DEFAULT_QUEUE));
      }
    }
  }

  @Override
  public void attemptFinished(TaskInstance ti, TaskAttempt attempt) {
    String dagId = ti.dagId();
    String taskId = ti.taskId();
    String state = ti.state().id();
    stats.incr("ti.finish", Tags.of("dag_id", dagId, "task_id", taskId, "state", state));
    boolean success = ti.state() == TaskState.SUCCESS;
    Tags tiTags = Tags.of("dag_id", dagId, "task_id", taskId);
    stats.incr(success ? "ti_successes" : "ti_failures", tiTags);
    String operator = ti.profile().taskType();
    String operatorMetric = success ? "operator_successes" : "operator_failures";
    // Airflow's operator_name is the operator's class; Contrail's task type plays that part
    stats.incr(operatorMetric, Tags.of("dag_id", dagId, "task_id", taskId, "operator", operator)
        .airflow("operator_name", operator));
    if (attempt.startDate() != null && attempt.endDate() != null) {
      String traceId = traceIds.get(ti.key().runKey());
      Context context = TraceContexts.remoteParent(traceId, attempt.spanId(), ti.trace().flags());
      stats.timing("task.duration", between(attempt.startDate(), attempt.endDate()), tiTags, context);
    }
  }

  @Override
  public void taskKilledExternally(TaskInstance ti) {
    stats.incr("scheduler.tasks.killed_externally", Tags.of("dag_id", ti.dagId(), "task_id", ti.taskId()));
  }

  @Override
  public void jobHeartbeat() {
    stats.incr("scheduler_heartbeat", Tags.NONE);
  }

  @Override
  public void schedulerLoop(Loop loop) {
    stats.timing("scheduler.scheduler_loop_duration", loop.duration(), Tags.NONE);
    loop.phases().stream().filter(p -> p.name().equals("scheduler.critical_section")).findFirst()
        .ifPresent(p -> stats.timing("scheduler.critical_section_duration", p.duration(), Tags.NONE));
    self.report(stats);
  }

  @Override
  public void dagsParsed(int dags, int importErrors, Duration parseTime) {
    stats.gauge("dagbag_size", dags, Tags.NONE);
    stats.gauge("dag_processing.import_errors", importErrors, Tags.NONE);
    stats.gauge("dag_processing.total_parse_time", parseTime.toNanos() / 1e9, Tags.NONE); // seconds, as Airflow
    stats.timing("dag_processing.last_duration", parseTime, Tags.NONE);
    if (importErrors > 0) {
      stats.incr("dag_file_refresh_error", importErrors, Tags.NONE);
    }
  }

  @Override
  public void executorState(String executor, int openSlots, int queued, int running) {
    Tags tags = Tags.of("executor", executor);
    String className = executorClassName(executor);
    stats.gauge("executor.open_slots", openSlots, tags.airflow("status", "open", "executor_class_name", className));
    stats.gauge("executor.queued_tasks", queued, tags.airflow("status", "queued", "executor_class_name", className));
    stats.gauge("executor.running_tasks", running, tags.airflow("status", "running", "executor_class_name", className));
  }

  @Override
  public void tasksClaimed(String executor, int claimed, Duration latency) {
    Tags tags = Tags.of("executor", executor).airflow("executor_class_name", executorClassName(executor));
    if (claimed > 0) {
      stats.incr("executor.claimed_tasks", claimed, tags);
    }
    stats.timing("executor.claim_latency", latency, tags);
  }

  @Override
  public void starvingTasks(int starving, int executable) {
    stats.gauge("scheduler.tasks.starving", starving, Tags.NONE);
    stats.gauge("scheduler.tasks.executable", executable, Tags.NONE);
  }

  @Override
  public void dagRunsRunning(int running) {
    stats.gauge("scheduler.dagruns.running", running, Tags.NONE);
  }

  @Override
  public void poolsState(List<PoolSlots> pools) {
    for (PoolSlots p : pools) {
      Tags tags = Tags.of("pool_name", p.pool());
      stats.gauge("pool.open_slots", p.open(), tags);
      stats.gauge("pool.queued_slots", p.queued(), tags);
      stats.gauge("pool.running_slots", p.running(), tags);
      stats.gauge("pool.starving_tasks", p.starving(), tags);
    }
  }

  @Override
  public void close() {
    self.report(stats);
    stats.close();
  }

  /**
   * Airflow names an executor by its class (LocalExecutor, CeleryExecutor); Contrail's executors
   * are named in [core] executor: local is LocalExecutor, sequential SequentialExecutor.
   */
  static String executorClassName(String executor) {
    if (executor.isEmpty()) {
      return executor;
    }
    return Character.toUpperCase(executor.charAt(0)) + executor.substring(1) + "Executor";
  }

  private void remember(DagRun run) {
    traceIds.put(run.key(), run.trace().traceId());
  }

  private static Duration between(Instant from, Instant to) {
    return Duration.between(from, to);
  }
}
