package io.contrail.storage;

import io.contrail.dag.Dag;
import io.contrail.dag.TaskDefinition;
import io.contrail.dag.TaskType;
import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.run.TraceIds;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Test data for the storage contract. Instants carry microseconds (never nanoseconds) because
 * that is what both databases keep, so what is read back must equal what was written.
 */
final class StoreFixtures {
  /** A fixed "now" with sub-second digits, to catch any precision lost on the way. */
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  private StoreFixtures() {}

  static Instant at(long secondsAfterT0) {
    return T0.plusSeconds(secondsAfterT0);
  }

  static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  /** A three-task DAG (extract -> transform -> load) using durations, a start date and a pool. */
  static Dag aDag(String dagId) {
    return new Dag(dagId, "nightly load", "@daily", Instant.parse("2026-01-01T00:00:00Z"), false,
        null, 3, 8, List.of("etl", "nightly"),
        List.of(
            TaskDefinition.builder("extract", TaskType.SHELL).command("echo extract")
                .retries(2).retryDelay(Duration.ofSeconds(30)).retryExponentialBackoff(true)
                .executionTimeout(Duration.ofMinutes(10)).build(),
            TaskDefinition.builder("transform", TaskType.SLEEP).duration(Duration.ofMillis(1500))
                .dependsOn("extract").pool("cpu").poolSlots(2).build(),
            TaskDefinition.builder("load", TaskType.HTTP).method("POST").url("http://localhost/load")
                .dependsOn("transform").expectStatus(List.of(200, 204)).build()),
        "/dags/" + dagId + ".yaml");
  }

  static RunBuilder aRun(String dagId) {
    return new RunBuilder(dagId);
  }

  /** A new task instance (state none) of the run, as the scheduler creates it with the run. */
  static TaskInstance aTaskInstance(DagRun run, String taskId) {
    return aTaskInstance(run, taskId, TaskDefinition.DEFAULT_POOL, 1);
  }

  static TaskInstance aTaskInstance(DagRun run, String taskId, String pool, int poolSlots) {
    return TaskInstance.create(run.dagId(), run.runId(), taskId, "shell", 3, pool, poolSlots, 5,
        run.traceFlags());
  }

  /** The task instance scheduled, queued by {@code jobId} and running on host "worker-1". */
  static TaskInstance running(TaskInstance ti, long jobId) {
    return ti.toScheduled(at(1)).toQueued(at(2), jobId).toRunning(at(3), "worker-1");
  }

  /** The attempt row of the instance's current try, as the executor writes it. */
  static TaskAttempt attemptOf(TaskInstance ti, Integer exitCode, String error) {
    return new TaskAttempt(ti.dagId(), ti.runId(), ti.taskId(), ti.tryNumber(), ti.state(),
        ti.startDate(), ti.endDate(), ti.hostname(), ti.pid(), exitCode, error, "local",
        ti.attemptSpanId());
  }

  /** Builds a {@link DagRun}; defaults to a queued manual run with a trace context. */
  static final class RunBuilder {
    private final String dagId;
    private String runId;
    private RunType type = RunType.MANUAL;
    private RunState state = RunState.QUEUED;
    private Instant logicalDate = T0;
    private Instant queuedAt = T0;
    private Instant startDate;
    private Instant endDate;
    private String conf = "{\"env\":\"test\"}";
    private String parentSpanId;
    private String creatorTraceId;
    private String creatorSpanId;

    private RunBuilder(String dagId) {
      this.dagId = dagId;
    }

    RunBuilder runId(String id) { this.runId = id; return this; }
    RunBuilder type(RunType t) { this.type = t; return this; }
    RunBuilder state(RunState s) { this.state = s; return this; }
    RunBuilder logicalDate(Instant d) { this.logicalDate = d; return this; }
    RunBuilder queuedAt(Instant d) { this.queuedAt = d; return this; }
    RunBuilder started(Instant d) { this.startDate = d; return this; }
    RunBuilder ended(Instant d) { this.endDate = d; return this; }
    RunBuilder conf(String c) { this.conf = c; return this; }
    RunBuilder parentSpanId(String id) { this.parentSpanId = id; return this; }
    RunBuilder creator(String traceId, String spanId) { this.creatorTraceId = traceId; this.creatorSpanId = spanId; return this; }

    DagRun build() {
      String id = runId != null ? runId : type.id() + "__" + logicalDate;
      Instant intervalEnd = type == RunType.MANUAL ? logicalDate : logicalDate.plus(Duration.ofDays(1));
      return new DagRun(dagId, id, type, state, logicalDate, logicalDate, intervalEnd, conf,
          queuedAt, startDate, endDate, TraceIds.newTraceId(), TraceIds.newSpanId(), parentSpanId,
          TraceIds.SAMPLED, creatorTraceId, creatorSpanId);
    }
  }

  static List<TaskState> states(List<TaskInstance> tis) {
    return tis.stream().map(TaskInstance::state).toList();
  }
}
