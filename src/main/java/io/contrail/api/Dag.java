package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.contrail.run.Ids;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable DAG: its schedule and its tasks. Built with {@link #builder} — by the YAML parser
 * or by a {@link DagFactory} in a jar — and rejected when an id is not one {@link Ids} accepts or
 * the graph is invalid (duplicate task, unknown upstream, cycle) with a message naming the task.
 *
 * @param schedule cron expression or preset, null for manual runs only
 * @param paused initial paused state when first seen, null for the configured default
 * @param callbacks the run's own callbacks (on_success, on_failure) and on_deadline_missed
 * @param deadline when a run must have finished, or null for none
 * @param taskIndex derived: the tasks by task_id (whatever is passed is ignored)
 */
public record Dag(
    String dagId,
    String description,
    String schedule,
    Instant startDate,
    boolean catchup,
    Boolean paused,
    int maxActiveRuns,
    int maxActiveTasks,
    List<String> tags,
    List<TaskDefinition> tasks,
    String fileloc,
    Callbacks callbacks,
    Deadline deadline,
    @JsonIgnore Map<String, TaskDefinition> taskIndex) {

  public Dag {
    Objects.requireNonNull(dagId, "dagId");
    Ids.dagId(dagId);
    description = description == null ? "" : description;
    startDate = startDate == null ? Instant.EPOCH : startDate;
    maxActiveRuns = maxActiveRuns <= 0 ? 16 : maxActiveRuns;
    maxActiveTasks = maxActiveTasks <= 0 ? 16 : maxActiveTasks;
    tags = List.copyOf(tags == null ? List.of() : tags);
    tasks = List.copyOf(tasks == null ? List.of() : tasks);
    fileloc = fileloc == null ? "" : fileloc;
    callbacks = callbacks == null ? Callbacks.NONE : callbacks;
    taskIndex = validateGraph(tasks);
  }

  /** A DAG named {@code dagId}: manual only, not catching up, 16 active runs and tasks at most. */
  public static Builder builder(String dagId) {
    return new Builder(dagId);
  }

  /** Checks ids, upstream references and cycles; returns the tasks by id. */
  private static Map<String, TaskDefinition> validateGraph(List<TaskDefinition> tasks) {
    Map<String, TaskDefinition> byId = new HashMap<>();
    for (TaskDefinition t : tasks) {
      Ids.taskId(t.taskId());
      if (byId.put(t.taskId(), t) != null) {
        throw new IllegalArgumentException("duplicate task_id '" + t.taskId() + "'");
      }
    }
    for (TaskDefinition t : tasks) {
      for (String up : t.dependsOn()) {
        if (!byId.containsKey(up)) {
          throw new IllegalArgumentException(
              "task '" + t.taskId() + "' depends on unknown task '" + up + "'");
        }
      }
    }
    List<String> cycle = findCycle(tasks, byId);
    if (!cycle.isEmpty()) {
      throw new IllegalArgumentException("cycle between tasks: " + String.join(" -> ", cycle));
    }
    return java.util.Collections.unmodifiableMap(byId);
  }

  /** Depth-first search for a cycle; returns the task ids along it, or an empty list. */
  private static List<String> findCycle(List<TaskDefinition> tasks, Map<String, TaskDefinition> byId) {
    Map<String, Integer> color = new HashMap<>(); // 1 = on stack, 2 = done
    for (TaskDefinition start : tasks) {
      if (color.containsKey(start.taskId())) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<java.util.Iterator<String>> iters = new ArrayDeque<>();
      path.push(start.taskId());
      iters.push(start.dependsOn().iterator());
      color.put(start.taskId(), 1);
      while (!path.isEmpty()) {
        java.util.Iterator<String> it = iters.peek();
        if (it.hasNext()) {
          String next = it.next();
          Integer c = color.get(next);
          if (c == null) {
            color.put(next, 1);
            path.push(next);
            iters.push(byId.get(next).dependsOn().iterator());
          } else if (c == 1) {
            List<String> cycle = new ArrayList<>();
            List<String> onPath = new ArrayList<>(path);
            java.util.Collections.reverse(onPath);
            cycle.addAll(onPath.subList(onPath.indexOf(next), onPath.size()));
            cycle.add(next);
            java.util.Collections.reverse(cycle);
            return cycle;
          }
        } else {
          color.put(path.pop(), 2);
          iters.pop();
        }
      }
    }
    return List.of();
  }

  public TaskDefinition task(String taskId) {
    TaskDefinition t = taskIndex.get(taskId);
    if (t == null) {
      throw new IllegalArgumentException("DAG '" + dagId + "' has no task '" + taskId + "'");
    }
    return t;
  }

  /** Task id to the ids of the tasks that depend on it directly. */
  public Map<String, List<String>> downstreamMap() {
    Map<String, List<String>> down = new LinkedHashMap<>();
    for (TaskDefinition t : tasks) {
      down.putIfAbsent(t.taskId(), new ArrayList<>());
      for (String up : t.dependsOn()) {
        down.computeIfAbsent(up, k -> new ArrayList<>()).add(t.taskId());
      }
    }
    return down;
  }

  /** Tasks nothing depends on: their states decide the run's state. */
  public List<String> leaves() {
    List<String> leaves = new ArrayList<>();
    downstreamMap().forEach((id, down) -> {
      if (down.isEmpty()) {
        leaves.add(id);
      }
    });
    return leaves;
  }

  /**
   * Priority of each task as Airflow's default "downstream" weight rule: its own weight plus the
   * weights of everything downstream of it, so long chains start first.
   */
  public Map<String, Integer> effectivePriorities() {
    Map<String, List<String>> down = downstreamMap();
    Map<String, Integer> result = new HashMap<>();
    for (TaskDefinition t : tasks) {
      java.util.Set<String> seen = new java.util.HashSet<>();
      Deque<String> todo = new ArrayDeque<>(down.get(t.taskId()));
      int sum = t.queueing().priorityWeight();
      while (!todo.isEmpty()) {
        String d = todo.pop();
        if (seen.add(d)) {
          sum += task(d).queueing().priorityWeight();
          todo.addAll(down.get(d));
        }
      }
      result.put(t.taskId(), sum);
    }
    return result;
  }

  public Dag withFileloc(String newFileloc) {
    return new Dag(dagId, description, schedule, startDate, catchup, paused, maxActiveRuns,
        maxActiveTasks, tags, tasks, newFileloc, callbacks, deadline, null);
  }

  /** Fluent construction of a {@link Dag}; {@link #build} validates the graph. */
  public static final class Builder {
    private final String dagId;
    private String description;
    private String schedule;
    private Instant startDate;
    private boolean catchup;
    private Boolean paused;
    private int maxActiveRuns;
    private int maxActiveTasks;
    private List<String> tags = List.of();
    private final List<TaskDefinition> tasks = new ArrayList<>();
    private String fileloc;
    private Callbacks callbacks = Callbacks.NONE;
    private Deadline deadline;

    private Builder(String dagId) {
      this.dagId = dagId;
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    /** A cron expression or preset ({@code @daily} ...); null for manual runs only. */
    public Builder schedule(String expression) {
      this.schedule = expression;
      return this;
    }

    public Builder startDate(Instant date) {
      this.startDate = date;
      return this;
    }

    /** Runs for every missed interval since the start date (true) or only the latest (false). */
    public Builder catchup(boolean on) {
      this.catchup = on;
      return this;
    }

    /** The paused state when the DAG is first seen; null for [core] dags_are_paused_at_creation. */
    public Builder paused(Boolean initially) {
      this.paused = initially;
      return this;
    }

    public Builder maxActiveRuns(int n) {
      this.maxActiveRuns = n;
      return this;
    }

    public Builder maxActiveTasks(int n) {
      this.maxActiveTasks = n;
      return this;
    }

    public Builder tags(List<String> newTags) {
      this.tags = newTags == null ? List.of() : List.copyOf(newTags);
      return this;
    }

    public Builder tags(String... newTags) {
      return tags(List.of(newTags));
    }

    public Builder task(TaskDefinition task) {
      tasks.add(task);
      return this;
    }

    public Builder task(TaskDefinition.Builder task) {
      return task(task.build());
    }

    public Builder tasks(List<TaskDefinition> more) {
      tasks.addAll(more);
      return this;
    }

    /** Where the DAG was defined (file or jar); set by the DAG processor. */
    public Builder fileloc(String location) {
      this.fileloc = location;
      return this;
    }

    /** Runs {@code callback} when a run succeeds or fails, or misses its deadline ({@code kind}). */
    public Builder callback(CallbackKind kind, Callback callback) {
      this.callbacks = callbacks.with(kind, callback);
      return this;
    }

    /** A run not finished by then has missed its deadline; null for none. */
    public Builder deadline(Deadline d) {
      this.deadline = d;
      return this;
    }

    public Dag build() {
      return new Dag(dagId, description, schedule, startDate, catchup, paused, maxActiveRuns, maxActiveTasks,
          tags, tasks, fileloc, callbacks, deadline, null);
    }
  }
}
