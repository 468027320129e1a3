package io.contrail.telemetry.metrics;

import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskInstance;
import io.contrail.telemetry.Telemetry;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalog's moments that a short manual run does not reach: scheduled runs, pools, zombies, import errors. */
class MetricsTelemetryTest {
  private static final Instant T0 = Instant.parse("2026-01-01T01:00:00Z");

  private final List<String> recorded = new ArrayList<>();
  private final Stats recording = new Stats() {
    @Override
    public void incr(String name, long count, Tags tags) {
      recorded.add("incr " + name + " " + count + " " + tags.values() + airflow(tags));
    }

    @Override
    public void decr(String name, long count, Tags tags) {
      recorded.add("decr " + name + " " + count + " " + tags.values());
    }

    @Override
    public void gauge(String name, double value, Tags tags) {
      recorded.add("gauge " + name + " " + value + " " + tags.values() + airflow(tags));
    }

    @Override
    public void timing(String name, Duration duration, Tags tags, Context context) {
      recorded.add("timing " + name + " " + duration.toMillis() + " " + tags.values() + airflow(tags));
    }
  };

  private static String airflow(Tags tags) {
    return tags.airflow().isEmpty() ? "" : " airflow=" + tags.airflow();
  }
  private final MetricsTelemetry telemetry = new MetricsTelemetry(recording, new SelfMetrics());

  private static DagRun scheduledRun(RunState state, Instant start, Instant end) {
    return aRun("hourly").type(RunType.SCHEDULED).state(state).logicalDate(T0.minusSeconds(3600))
        .dataInterval(T0.minusSeconds(3600), T0).queuedAt(T0).started(start).ended(end).build();
  }

  @Test
  void scheduledRunReportsScheduleDelayWhenItStarts() {
    telemetry.runStateChanged(scheduledRun(RunState.RUNNING, T0.plusMillis(1500), null), RunState.QUEUED, RunState.RUNNING);

    assertThat(recorded).containsExactly(
        "timing dagrun.schedule_delay 1500 {dag_id=hourly}");
  }

  @Test
  void aReRunAfterAClearReportsItsOwnDurationTaggedClearedWithItsRunType() {
    DagRun done = scheduledRun(RunState.FAILED, T0.plusSeconds(1), T0.plusSeconds(61));
    DagRun rerun = done.cleared(T0.plusSeconds(100)).toRunning(T0.plusSeconds(101))
        .toFinished(RunState.SUCCESS, T0.plusSeconds(131));

    telemetry.runStateChanged(rerun, RunState.RUNNING, RunState.SUCCESS);

    assertThat(recorded).containsExactly(
        "timing dagrun.duration.success 30000 {dag_id=hourly, run_type=scheduled, cleared=true}");
  }

  @Test
  void successfulScheduledRunReportsDurationAndFirstTaskSchedulingDelay() {
    DagRun done = scheduledRun(RunState.SUCCESS, T0.plusSeconds(1), T0.plusSeconds(61));
    TaskInstance first = aTaskInstance(done, "a")
        .toScheduled(T0.plusSeconds(1)).toQueued(T0.plusSeconds(2), 1).toRunning(T0.plusSeconds(3), "h");
    TaskInstance later = aTaskInstance(done, "b")
        .toScheduled(T0.plusSeconds(1)).toQueued(T0.plusSeconds(2), 1).toRunning(T0.plusSeconds(9), "h");

    telemetry.runStateChanged(done, RunState.RUNNING, RunState.SUCCESS);
    telemetry.runFinished(done, List.of(later, first));

    assertThat(recorded).containsExactly(
        "timing dagrun.duration.success 60000 {dag_id=hourly, run_type=scheduled}",
        "timing dagrun.first_task_scheduling_delay 3000 {dag_id=hourly} airflow={run_type=scheduled}");
  }

  @Test
  void poolStateReportsSlotGaugesPerPool() {
    telemetry.poolsState(List.of(new Telemetry.PoolSlots("etl", 4, 1, 1, 2, 3)));

    assertThat(recorded).containsExactly(
        "gauge pool.open_slots 1.0 {pool_name=etl}",
        "gauge pool.queued_slots 1.0 {pool_name=etl}",
        "gauge pool.running_slots 2.0 {pool_name=etl}",
        "gauge pool.starving_tasks 3.0 {pool_name=etl}");
  }

  @Test
  void executorGaugesCarryAirflowsExecutorClassNameAndStatusBesideTheExecutor() {
    telemetry.executorState("sequential", 1, 0, 0);

    assertThat(recorded).containsExactly(
        "gauge executor.open_slots 1.0 {executor=sequential} airflow={status=open, executor_class_name=SequentialExecutor}",
        "gauge executor.queued_tasks 0.0 {executor=sequential} airflow={status=queued, executor_class_name=SequentialExecutor}",
        "gauge executor.running_tasks 0.0 {executor=sequential} airflow={status=running, executor_class_name=SequentialExecutor}");
  }

  @Test
  void aWorkersClaimIsCountedAndTimedWithAirflowsExecutorClassName() {
    telemetry.tasksClaimed("distributed", 3, Duration.ofMillis(4));
    telemetry.tasksClaimed("distributed", 0, Duration.ofMillis(2)); // an empty claim costs time, claims nothing

    assertThat(recorded).containsExactly(
        "incr executor.claimed_tasks 3 {executor=distributed} airflow={executor_class_name=DistributedExecutor}",
        "timing executor.claim_latency 4 {executor=distributed} airflow={executor_class_name=DistributedExecutor}",
        "timing executor.claim_latency 2 {executor=distributed} airflow={executor_class_name=DistributedExecutor}");
  }

  @Test
  void zombieKillCountsTasksKilledExternally() {
    TaskInstance ti = aTaskInstance(aRun("d").runId("r").build(), "t");

    telemetry.taskKilledExternally(ti);

    assertThat(recorded).containsExactly("incr scheduler.tasks.killed_externally 1 {dag_id=d, task_id=t}");
  }

  @Test
  void importErrorsAreAGaugeAndCountRefreshErrors() {
    telemetry.dagsParsed(3, 2, Duration.ofMillis(250));

    assertThat(recorded).containsExactly(
        "gauge dagbag_size 3.0 {}",
        "gauge dag_processing.import_errors 2.0 {}",
        "gauge dag_processing.total_parse_time 0.25 {}",
        "timing dag_processing.last_duration 250 {}",
        "incr dag_file_refresh_error 2 {}");
  }
}
