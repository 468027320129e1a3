package io.contrail.testing;

import io.contrail.api.Dag;
import io.contrail.api.Queueing;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.api.TriggerRule;
import io.contrail.run.AttemptStatus;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.RunSpec;
import io.contrail.run.RunState;
import io.contrail.run.RunTimes;
import io.contrail.run.RunTrace;
import io.contrail.run.RunType;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;
import io.contrail.run.TaskProfile;
import io.contrail.run.TaskState;
import io.contrail.run.TraceContext;
import io.contrail.run.TraceIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The test data builders every test uses: {@code aDag("etl").task("a").task("b", "a").build()},
 * {@code aRun("etl").state(RUNNING).build()}, {@code aTaskInstance(run, "extract")}. Instants
 * carry microseconds (never nanoseconds) because that is what both databases keep, so what is
 * read back equals what was written.
 */
public final class Fixtures {
  /** A fixed "now" with sub-second digits, to catch any precision lost on the way. */
  public static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  private Fixtures() {}

  public static Instant at(long secondsAfterT0) {
    return T0.plusSeconds(secondsAfterT0);
  }

  /** A DAG of noop tasks (unless a task says otherwise), unpaused, starting 2026-01-01. */
  public static DagFixture aDag(String dagId) {
    return new DagFixture(dagId);
  }

  /** A three-task DAG (extract -> transform -> load) using durations, a start date and a pool. */
  public static Dag anEtlDag(String dagId) {
    return Dag.builder(dagId).description("nightly load").schedule("@daily")
        .startDate(Instant.parse("2026-01-01T00:00:00Z")).maxActiveRuns(3).maxActiveTasks(8).tags("etl", "nightly")
        .task(TaskDefinition.builder("extract", TaskSpec.shell("echo extract"))
            .retries(2).retryDelay(Duration.ofSeconds(30)).retryExponentialBackoff(true)
            .executionTimeout(Duration.ofMinutes(10)))
        .task(TaskDefinition.builder("transform", TaskSpec.sleep(Duration.ofMillis(1500)))
            .dependsOn("extract").pool("cpu").poolSlots(2))
        .task(TaskDefinition.builder("load", TaskSpec.http("POST", "http://localhost/load").expecting(List.of(200, 204)))
            .dependsOn("transform"))
        .fileloc("/dags/" + dagId + ".yaml")
        .build();
  }

  /** A queued manual run of {@code dagId} with a sampled trace, until told otherwise. */
  public static RunFixture aRun(String dagId) {
    return new RunFixture(dagId);
  }

  /** A new task instance (state none) of the run, as the scheduler creates it with the run. */
  public static TaskInstance aTaskInstance(DagRun run, String taskId) {
    return aTaskInstance(run, taskId, Queueing.DEFAULT_POOL, 1);
  }

  public static TaskInstance aTaskInstance(DagRun run, String taskId, String pool, int poolSlots) {
    return aTaskInstance(run, taskId, pool, poolSlots, 5, 3);
  }

  public static TaskInstance aTaskInstance(DagRun run, String taskId, String pool, int poolSlots, int priority,
      int maxTries) {
    return TaskInstance.create(new TaskInstanceKey(run.dagId(), run.runId(), taskId),
        new TaskProfile("shell", pool, poolSlots, priority), maxTries, run.trace().flags());
  }

  /** A new task instance on queue {@code queue} (for the distributed executor), with this priority weight. */
  public static TaskInstance aTaskInstanceOnQueue(DagRun run, String taskId, String queue, int priority) {
    return TaskInstance.create(new TaskInstanceKey(run.dagId(), run.runId(), taskId),
        new TaskProfile("shell", Queueing.DEFAULT_POOL, 1, priority, queue), 3, run.trace().flags());
  }

  /** The task instance scheduled, queued by {@code jobId} and running on host "worker-1". */
  public static TaskInstance running(TaskInstance ti, long jobId) {
    return ti.toScheduled(at(1)).toQueued(at(2), jobId).toRunning(at(3), "worker-1");
  }

  /** The attempt row of the instance's current try, as the executor writes it. */
  public static TaskAttempt attemptOf(TaskInstance ti, Integer exitCode, String error) {
    return new TaskAttempt(ti.key(), ti.tryNumber(), ti.trace().attemptSpanId(),
        new io.contrail.run.Placement("local", ti.lease().hostname(), ti.lease().pid()),
        ti.times().startDate(), ti.times().endDate(), new AttemptStatus(ti.state(), exitCode, error));
  }

  public static List<TaskState> states(List<TaskInstance> tis) {
    return tis.stream().map(TaskInstance::state).toList();
  }

  /** Builds a small {@link Dag}: noop tasks by default, each with a 30 s retry delay. */
  public static final class DagFixture {
    private final Dag.Builder dag;

    private DagFixture(String dagId) {
      this.dag = Dag.builder(dagId).startDate(Instant.parse("2026-01-01T00:00:00Z")).paused(false)
          .fileloc("/dags/" + dagId + ".yaml");
    }

    public DagFixture schedule(String s) {
      dag.schedule(s);
      return this;
    }

    public DagFixture startDate(Instant d) {
      dag.startDate(d);
      return this;
    }

    public DagFixture catchup(boolean c) {
      dag.catchup(c);
      return this;
    }

    public DagFixture maxActiveRuns(int n) {
      dag.maxActiveRuns(n);
      return this;
    }

    public DagFixture maxActiveTasks(int n) {
      dag.maxActiveTasks(n);
      return this;
    }

    /** A noop task depending on {@code upstream}. */
    public DagFixture task(String taskId, String... upstream) {
      return task(taskId, b -> b.dependsOn(upstream));
    }

    public DagFixture task(String taskId, TriggerRule rule, String... upstream) {
      return task(taskId, b -> b.dependsOn(upstream).triggerRule(rule));
    }

    /** A noop task with whatever else {@code settings} sets (retries, pool, weight ...). */
    public DagFixture task(String taskId, UnaryOperator<TaskDefinition.Builder> settings) {
      dag.task(settings.apply(TaskDefinition.builder(taskId, TaskSpec.noop()).retryDelay(Duration.ofSeconds(30))));
      return this;
    }

    /** A shell task running {@code command}, with whatever else {@code settings} sets. */
    public DagFixture shellTask(String taskId, String command, UnaryOperator<TaskDefinition.Builder> settings) {
      dag.task(settings.apply(TaskDefinition.builder(taskId, TaskSpec.shell(command)).retryDelay(Duration.ofSeconds(30))));
      return this;
    }

    public Dag build() {
      return dag.build();
    }
  }

  /** Builds a {@link DagRun}; defaults to a queued manual run with a sampled trace. */
  public static final class RunFixture {
    private final String dagId;
    private String runId;
    private RunType type = RunType.MANUAL;
    private RunState state = RunState.QUEUED;
    private Instant logicalDate = T0;
    private Instant queuedAt = T0;
    private Instant startDate;
    private Instant endDate;
    private String conf = "{\"env\":\"test\"}";
    private Instant intervalStart;
    private Instant intervalEnd;
    private String parentSpanId;
    private TraceContext creator;
    private int flags = TraceContext.SAMPLED;

    private RunFixture(String dagId) {
      this.dagId = dagId;
    }

    public RunFixture runId(String id) {
      this.runId = id;
      return this;
    }

    public RunFixture type(RunType t) {
      this.type = t;
      return this;
    }

    public RunFixture state(RunState s) {
      this.state = s;
      return this;
    }

    public RunFixture logicalDate(Instant d) {
      this.logicalDate = d;
      return this;
    }

    public RunFixture queuedAt(Instant d) {
      this.queuedAt = d;
      return this;
    }

    public RunFixture started(Instant d) {
      this.startDate = d;
      return this;
    }

    public RunFixture ended(Instant d) {
      this.endDate = d;
      return this;
    }

    /** The data interval, else [logical date, logical date] for manual runs and one day for others. */
    public RunFixture dataInterval(Instant start, Instant end) {
      this.intervalStart = start;
      this.intervalEnd = end;
      return this;
    }

    public RunFixture conf(String c) {
      this.conf = c;
      return this;
    }

    public RunFixture parentSpanId(String id) {
      this.parentSpanId = id;
      return this;
    }

    public RunFixture creator(String traceId, String spanId) {
      this.creator = new TraceContext(traceId, spanId, TraceContext.SAMPLED);
      return this;
    }

    public RunFixture unsampled() {
      this.flags = 0;
      return this;
    }

    public DagRun build() {
      String id = runId != null ? runId : type.id() + "__" + logicalDate;
      Instant start = intervalStart != null ? intervalStart : logicalDate;
      Instant end = intervalEnd != null ? intervalEnd
          : type == RunType.MANUAL ? logicalDate : logicalDate.plus(Duration.ofDays(1));
      return new DagRun(new RunKey(dagId, id), state, new RunSpec(type, logicalDate, start, end, conf),
          new RunTimes(queuedAt, startDate, endDate),
          new RunTrace(new TraceContext(TraceIds.newTraceId(), TraceIds.newSpanId(), flags), parentSpanId, creator));
    }
  }
}
