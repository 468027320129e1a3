package io.contrail.telemetry.traces;

import io.contrail.analysis.CriticalPath;
import io.contrail.analysis.RunTimeline;
import io.contrail.analysis.RunTimelines;
import io.contrail.api.Dag;
import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.SpanEvent;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.DagCache;
import io.contrail.storage.DagStore;
import io.contrail.storage.RunStore;
import io.contrail.storage.SpanOutbox;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns finished rows into spans: a claimed outbox batch, or every finished row of one run for
 * {@code traces export}. Each run's context (the run, its task instances and attempts, its DAG)
 * (with the spans clears kept and its span events) is read once per batch, by primary key, so the
 * cost follows the batch and the size of its runs, never the history.
 */
final class SpanBatches {
  private static final Logger LOG = LoggerFactory.getLogger(SpanBatches.class);
  private final RunStore runs;
  private final DagCache dags;
  private final SpanResources resources;
  private final SecretsMasker masker;

  /** @param masker masks the run's conf attribute and a failed attempt's exception event */
  SpanBatches(RunStore runs, DagStore dags, SpanResources resources, SecretsMasker masker) {
    this.runs = runs;
    this.dags = new DagCache(dags); // a batch of a large DAG's spans parsed its whole definition each time
    this.resources = resources;
    this.masker = masker;
  }

  /** The spans of the batch's rows; rows of runs deleted meanwhile have none. */
  List<SpanData> build(SpanOutbox.Batch batch) {
    Contexts contexts = new Contexts(batch);
    List<SpanData> out = new ArrayList<>(batch.spans());
    for (SpanOutbox.Stored<DagRun> r : batch.runs()) {
      DagRun run = r.row(); // the run, or a segment of it a clear kept
      contexts.of(run.key()).ifPresent(c -> out.add(SpanMapper.runSpan(run,
          new SpanTimes(run, null, List.of(), List.of()).run(), resources.of(r.resourceId(), run.dagId()), masker,
          c.events, criticalPath(c, run))));
    }
    for (SpanOutbox.Stored<TaskInstance> t : batch.tasks()) {
      TaskInstance ti = t.row(); // the task instance, or a task_run span of it a clear or mark kept
      contexts.of(ti.key().runKey()).ifPresent(c -> out.add(SpanMapper.taskSpan(ti, c.run, c.dag, c.siblings,
          c.times.task(ti), resources.of(t.resourceId(), ti.dagId()), c.events)));
    }
    for (SpanOutbox.Stored<TaskAttempt> a : batch.attempts()) {
      TaskAttempt at = a.row();
      contexts.of(at.key().runKey()).ifPresent(c -> {
        TaskInstance ti = c.tasks.get(at.taskId());
        if (ti != null) {
          out.add(SpanMapper.attemptSpan(at, ti, c.run, c.times.attempt(at), resources.of(a.resourceId(), at.dagId()),
              masker, c.events));
        }
      });
    }
    return out;
  }

  /**
   * The critical path of the finished segment {@code run} (the run, or a segment a clear kept), from
   * the rows the context read already: no query of its own. Analysed as of the segment's end, so a
   * span built again later (another process, {@code traces export}) carries the same path.
   */
  private static CriticalPath criticalPath(Context c, DagRun run) {
    if (run.times().endDate() == null) {
      return null;
    }
    try {
      RunTimeline t = RunTimelines.of(c.run, c.dag, List.copyOf(c.tasks.values()), c.attempts, List.of(run),
          c.siblings.subList(c.tasks.size(), c.siblings.size()), run.times().endDate());
      return CriticalPath.of(t, run.trace().currentSpanId());
    } catch (RuntimeException e) {
      // the span goes out without the path rather than not at all
      LOG.warn("no critical path for the span of run {}/{}: {}", run.dagId(), run.runId(), e.toString(), e);
      return null;
    }
  }

  /**
   * @param tasks the run's task instances by id
   * @param siblings those, then the task_run spans clears and marks kept (for upstream links)
   * @param events the run's stored span events (marks, stops, missed deadlines)
   */
  private record Context(DagRun run, Dag dag, Map<String, TaskInstance> tasks, List<TaskInstance> siblings,
      List<TaskAttempt> attempts, SpanTimes times, List<SpanEvent> events) {}

  /**
   * The contexts of one batch: each run and DAG read at most once. A run whose own span is in the
   * batch is read whole (its critical path needs every task and try); of any other run only the
   * rows of the batch's tasks and of their upstream tasks are read — what their spans' times and
   * links come from — so a batch of a 5,000-task run's spans reads a few hundred rows, not 10,000.
   */
  private final class Contexts {
    private final Map<RunKey, Optional<Context>> byRun = new HashMap<>();
    private final Map<String, Optional<Dag>> byDag = new HashMap<>();
    private final Set<RunKey> whole = new HashSet<>();
    private final Map<RunKey, Set<String>> taskIds = new HashMap<>();

    Contexts(SpanOutbox.Batch batch) {
      batch.runs().forEach(r -> whole.add(r.row().key()));
      batch.tasks().forEach(t -> taskIds.computeIfAbsent(t.row().key().runKey(), k -> new HashSet<>())
          .add(t.row().taskId()));
      batch.attempts().forEach(a -> taskIds.computeIfAbsent(a.row().key().runKey(), k -> new HashSet<>())
          .add(a.row().taskId()));
    }

    Optional<Context> of(RunKey key) {
      return byRun.computeIfAbsent(key, k -> runs.findRun(k).map(run -> {
        Dag dag = byDag.computeIfAbsent(k.dagId(), dags::find).orElse(null);
        Set<String> ids = whole.contains(k) ? null : withUpstream(dag, taskIds.getOrDefault(k, Set.of()));
        Map<String, TaskInstance> tasks = new LinkedHashMap<>();
        (ids == null ? runs.taskInstances(k) : runs.taskInstances(k, ids)).forEach(ti -> tasks.put(ti.taskId(), ti));
        List<TaskAttempt> attempts = ids == null ? runs.attempts(k) : runs.attempts(k, ids);
        List<TaskInstance> siblings = new ArrayList<>(tasks.values());
        siblings.addAll(ids == null ? runs.taskSegments(k) : runs.taskSegments(k, ids));
        return new Context(run, dag, tasks, siblings, attempts, new SpanTimes(run, dag, tasks.values(), attempts),
            runs.spanEvents(k));
      }));
    }

    /** The tasks and their upstream tasks: a task_run span links to those and may start at their end. */
    private Set<String> withUpstream(Dag dag, Set<String> ids) {
      Set<String> all = new HashSet<>(ids);
      for (String id : ids) {
        SpanMapper.definition(dag, id).ifPresent(d -> all.addAll(d.dependsOn()));
      }
      return all;
    }
  }
}
