package io.contrail.telemetry.traces;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.RunTimes;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The start and end of every span of one run, from its stored rows: what the exported spans carry
 * and what {@code traces show} prints, computed in this one place.
 *
 * <ul>
 *   <li>{@code dag_run}: queued → end of the run.
 *   <li>{@code task_run}: the earliest of its scheduled, queued and first try's start times → its
 *       terminal state (a retried task's span covers every try of that span; {@code scheduled_at}
 *       alone is the last scheduling). A task_run span a clear kept (passed among
 *       {@code taskInstances}' siblings to {@link #task}) covers its own tries.
 *   <li>{@code task_run} of a task that never ran (skipped, upstream_failed): from the end of its
 *       last upstream task that had ended by then — the moment its fate was sealed — to when the
 *       scheduler recorded it.
 *   <li>{@code task_attempt}: the try's start → its end.
 * </ul>
 *
 * No span ends at or before its start (backends reject or warn about such spans): when the stored
 * times give no positive duration — a skipped task decided in the same scheduler pass as its
 * upstream, a try recovered before it started — the span lasts {@link #MINIMUM}, one microsecond,
 * the resolution of the database's timestamps.
 */
public final class SpanTimes {
  /** The shortest span: one tick of the stored timestamps. */
  public static final Duration MINIMUM = Duration.ofNanos(1000);

  /** When a span starts and ends; {@code end} is always after {@code start}. */
  public record Window(Instant start, Instant end) {
    public Window {
      if (!end.isAfter(start)) {
        end = start.plus(MINIMUM);
      }
    }

    public Duration duration() {
      return Duration.between(start, end);
    }
  }

  private final DagRun run;
  private final Dag dag;
  private final Map<String, TaskInstance> tasks = new HashMap<>();
  private final Map<String, Instant> firstTryStart = new HashMap<>();

  /**
   * @param dag the run's DAG, or null when it is gone (a task that never ran then spans
   *     {@link #MINIMUM} at its end)
   */
  public SpanTimes(DagRun run, Dag dag, Collection<TaskInstance> taskInstances, Collection<TaskAttempt> attempts) {
    this.run = run;
    this.dag = dag;
    taskInstances.forEach(ti -> tasks.put(ti.taskId(), ti));
    for (TaskAttempt at : attempts) {
      TaskInstance ti = tasks.get(at.taskId());
      if (at.startDate() != null && ti != null) {
        // by the task_run span the try belongs to: a cleared task's earlier tries are its earlier span's
        firstTryStart.merge(at.taskSpanIdOr(ti.trace().spanId()), at.startDate(), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
  }

  public Window run() {
    RunTimes t = run.times();
    return new Window(t.queuedAt(), firstNonNull(t.endDate(), t.startDate(), t.queuedAt()));
  }

  public Window task(TaskInstance ti) {
    TaskTimes t = ti.times();
    Instant end = firstNonNull(t.endDate(), t.startDate(), t.scheduledAt(), run.times().queuedAt());
    Instant start = earliest(t.scheduledAt(), t.queuedAt(), firstTryStart.get(ti.trace().spanId()));
    if (start == null) {
      start = settledAt(ti, end);
    }
    return new Window(start, end);
  }

  public Window attempt(TaskAttempt at) {
    TaskInstance ti = tasks.get(at.taskId());
    Instant fallback = ti != null && ti.times().queuedAt() != null ? ti.times().queuedAt() : run.times().queuedAt();
    Instant end = firstNonNull(at.endDate(), at.startDate(), fallback);
    return new Window(at.startDate() != null ? at.startDate() : end, end);
  }

  /** The latest end among the task's upstream tasks that had ended by {@code end}, else {@code end}. */
  private Instant settledAt(TaskInstance ti, Instant end) {
    List<String> upstream = upstreamOf(ti.taskId());
    Instant settled = null;
    for (String up : upstream) {
      TaskInstance u = tasks.get(up);
      Instant e = u == null ? null : u.times().endDate();
      if (e != null && !e.isAfter(end) && (settled == null || e.isAfter(settled))) {
        settled = e;
      }
    }
    return settled != null ? settled : end;
  }

  private List<String> upstreamOf(String taskId) {
    return SpanMapper.definition(dag, taskId).map(TaskDefinition::dependsOn).orElse(List.of());
  }

  private static Instant earliest(Instant... times) {
    Instant min = null;
    for (Instant t : times) {
      if (t != null && (min == null || t.isBefore(min))) {
        min = t;
      }
    }
    return min;
  }

  private static Instant firstNonNull(Instant... times) {
    for (Instant t : times) {
      if (t != null) {
        return t;
      }
    }
    throw new IllegalArgumentException("a stored run always has a queued_at");
  }
}
