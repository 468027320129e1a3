package io.contrail.analysis;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskState;
import io.contrail.storage.DagStore;
import io.contrail.storage.Database;
import io.contrail.storage.RunStore;
import io.contrail.storage.StoredDag;
import io.contrail.storage.Stores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link RunTimeline} from the rows a run's spans are built from — the run and the
 * segments clears kept, its task instances and the task_run spans clears kept, its attempts — all
 * read by the run's key, so the cost follows the size of the run, never the history.
 */
public final class RunTimelines {
  private RunTimelines() {}

  /** The run's timeline as the database holds it now; null when there is no such run. */
  public static RunTimeline load(Database db, String dagId, String runId) {
    Stores stores = Stores.jdbc(db);
    return load(stores.runs(), stores.dags(), new RunKey(dagId, runId), Instant.now());
  }

  /** As {@link #load(Database, String, String)}, on stores a process already has. */
  public static RunTimeline load(RunStore runs, DagStore dags, RunKey key, Instant asOf) {
    DagRun run = runs.findRun(key).orElse(null);
    if (run == null) {
      return null;
    }
    Dag dag = dags.find(key.dagId()).map(StoredDag::dag).orElse(null);
    return of(run, dag, runs.taskInstances(key), runs.attempts(key), runs.runSegments(key), runs.taskSegments(key),
        asOf);
  }

  /**
   * The timeline of rows already read.
   *
   * @param dag the run's DAG, or null when it is gone (no dependencies are known then)
   * @param runSegments segments clears and marks kept, oldest first (the current one is {@code run})
   * @param taskSegments task_run spans clears and marks kept
   */
  public static RunTimeline of(DagRun run, Dag dag, List<TaskInstance> taskInstances, List<TaskAttempt> attempts,
      List<DagRun> runSegments, List<TaskInstance> taskSegments, Instant asOf) {
    String root = run.trace().spanId();
    Map<String, RunTimeline.Segment> segments = new LinkedHashMap<>();
    for (DagRun s : runSegments) {
      segments.putIfAbsent(s.trace().currentSpanId(), segment(s));
    }
    segments.remove(run.trace().currentSpanId());
    segments.put(run.trace().currentSpanId(), segment(run));

    Map<String, List<String>> upstream = new HashMap<>();
    Map<String, Integer> order = new HashMap<>();
    if (dag != null) {
      for (TaskDefinition t : dag.tasks()) {
        upstream.put(t.taskId(), List.copyOf(t.dependsOn()));
        order.put(t.taskId(), order.size());
      }
    }
    Map<String, String> currentSpan = new HashMap<>();
    taskInstances.forEach(ti -> currentSpan.put(ti.taskId(), ti.trace().spanId()));
    Map<String, List<TaskAttempt>> bySpan = new HashMap<>();
    for (TaskAttempt a : attempts) {
      bySpan.computeIfAbsent(a.taskSpanIdOr(currentSpan.getOrDefault(a.taskId(), "")), k -> new ArrayList<>()).add(a);
    }

    List<TaskInstance> spans = new ArrayList<>(taskInstances);
    spans.addAll(taskSegments);
    List<String> segmentOrder = new ArrayList<>(segments.keySet());
    Map<String, Instant> ends = new HashMap<>(); // per segment and task: when its last try ended
    List<Pending> pending = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      TaskInstance ti = spans.get(i);
      String seg = ti.trace().parentSpanId() != null ? ti.trace().parentSpanId() : root;
      List<TaskAttempt> tries = new ArrayList<>(bySpan.getOrDefault(ti.trace().spanId(), List.of()));
      tries.sort(Comparator.comparingInt(TaskAttempt::tryNumber));
      pending.add(new Pending(ti, seg, tries, i < taskInstances.size()));
      Instant end = ti.times().endDate();
      if (end != null && ti.state().isFinished()) {
        ends.merge(seg + "\u0000" + ti.taskId(), end, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    pending.sort(Comparator.comparingInt((Pending p) -> indexOf(segmentOrder, p.segment))
        .thenComparingInt(p -> order.getOrDefault(p.ti.taskId(), Integer.MAX_VALUE))
        .thenComparing(p -> p.ti.taskId()));

    List<RunTimeline.TaskRow> rows = new ArrayList<>();
    for (Pending p : pending) {
      RunTimeline.Segment seg = segments.get(p.segment);
      Instant released = releasedAt(p.ti.taskId(), p.segment, seg, upstream, ends);
      rows.add(new RunTimeline.TaskRow(p.ti.taskId(), p.ti.trace().spanId(), p.segment, p.ti.trace().previousSpanId(),
          p.ti.state().id(), attemptsOf(p, released)));
    }
    return new RunTimeline(run.dagId(), run.runId(), run.trace().traceId(), run.state().id(), run.times().queuedAt(),
        run.times().startDate(), run.times().endDate(), asOf, List.copyOf(segments.values()), rows, upstream);
  }

  private record Pending(TaskInstance ti, String segment, List<TaskAttempt> tries, boolean current) {}

  private static RunTimeline.Segment segment(DagRun r) {
    return new RunTimeline.Segment(r.trace().currentSpanId(), r.clearNumber(), r.trace().segment().isRoot(),
        r.state().id(), r.times().queuedAt(), r.times().startDate(), r.times().endDate());
  }

  /** The latest end of the task's upstream tasks in its segment, else the segment's beginning. */
  private static Instant releasedAt(String taskId, String segmentSpan, RunTimeline.Segment seg,
      Map<String, List<String>> upstream, Map<String, Instant> ends) {
    Instant latest = null;
    for (String up : upstream.getOrDefault(taskId, List.of())) {
      Instant e = ends.get(segmentSpan + "\u0000" + up);
      if (e != null && (latest == null || e.isAfter(latest))) {
        latest = e;
      }
    }
    return latest != null ? latest : seg == null ? null : seg.begin();
  }

  /**
   * The row's tries, and for a task instance waiting for its next try (scheduled, queued, up for
   * retry) that try too, not started yet. A try became ready at: the task's scheduled (else queued)
   * time for its latest try, the previous try's end for a retry, else when its upstream released it.
   */
  private static List<RunTimeline.Attempt> attemptsOf(Pending p, Instant released) {
    TaskInstance ti = p.ti;
    List<RunTimeline.Attempt> out = new ArrayList<>();
    Instant previousEnd = null;
    for (int i = 0; i < p.tries.size(); i++) {
      TaskAttempt a = p.tries.get(i);
      boolean latest = i == p.tries.size() - 1 && a.tryNumber() == ti.tryNumber();
      Instant ready = previousEnd != null ? previousEnd : released;
      Instant stored = ti.times().scheduledAt() != null ? ti.times().scheduledAt() : ti.times().queuedAt();
      if (latest && stored != null && (a.startDate() == null || !stored.isAfter(a.startDate()))
          && (previousEnd == null || !stored.isBefore(previousEnd))) {
        ready = stored;
      }
      if (ready != null && a.startDate() != null && ready.isAfter(a.startDate())) {
        ready = a.startDate();
      }
      out.add(new RunTimeline.Attempt(a.taskId(), a.tryNumber(), a.state().id(), ready, a.startDate(), a.endDate(),
          a.placement().hostname(), a.spanId()));
      previousEnd = a.endDate() != null ? a.endDate() : previousEnd;
    }
    if (p.current) {
      TaskState s = ti.state();
      Instant scheduled = ti.times().scheduledAt() != null ? ti.times().scheduledAt() : ti.times().queuedAt();
      if (s == TaskState.SCHEDULED || s == TaskState.UP_FOR_RETRY) {
        Instant ready = s == TaskState.UP_FOR_RETRY ? ti.times().endDate() : scheduled;
        out.add(new RunTimeline.Attempt(ti.taskId(), ti.tryNumber() + 1, s.id(), ready, null, null, null, null));
      } else if (s == TaskState.QUEUED && out.stream().noneMatch(a -> a.tryNumber() == ti.tryNumber())) {
        out.add(new RunTimeline.Attempt(ti.taskId(), ti.tryNumber(), s.id(), scheduled, null, null,
            ti.lease().hostname(), null));
      }
    }
    return out;
  }

  private static int indexOf(List<String> order, String segment) {
    int i = order.indexOf(segment);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
