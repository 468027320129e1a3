package io.contrail.dag;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.api.Dag;
import io.contrail.api.HttpSpec;
import io.contrail.api.JavaSpec;
import io.contrail.api.NoopSpec;
import io.contrail.api.ShellSpec;
import io.contrail.api.SleepSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.api.TriggerRule;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads the {@code tasks:} list items of a DAG file. A task's own retry/pool/trigger settings win
 * over {@code default_args}, which win over the model's defaults; keys that belong to another task
 * type are rejected so a typo like {@code comand:} or a {@code url:} on a shell task is caught.
 */
final class TaskParser {
  /** Keys allowed both in default_args and on a task. */
  static final Set<String> DEFAULT_ARG_KEYS = Set.of("retries", "retry_delay",
      "retry_exponential_backoff", "max_retry_delay", "execution_timeout", "pool", "pool_slots",
      "priority_weight", "trigger_rule");
  private static final Set<String> COMMON_KEYS = Set.of("task_id", "type", "depends_on");
  /** The keys of each task type, and how they become its spec. */
  private record SpecReader(Set<String> keys, BiFunction<YamlMap, String, TaskSpec> read) {}

  private static final Map<String, SpecReader> TYPES = Map.of(
      "shell", new SpecReader(Set.of("command", "env"),
          (t, whose) -> new ShellSpec(t.requiredString("command", whose), t.stringMap("env"))),
      "http", new SpecReader(Set.of("method", "url", "headers", "body", "expect_status"), TaskParser::http),
      "noop", new SpecReader(Set.of(), (t, whose) -> new NoopSpec()),
      "sleep", new SpecReader(Set.of("duration"), (t, whose) -> {
        if (!t.has("duration")) {
          throw t.missing("duration", whose);
        }
        return new SleepSpec(t.duration("duration"));
      }),
      "java", new SpecReader(Set.of("class"), (t, whose) -> new JavaSpec(t.requiredString("class", whose))));
  private static final Set<String> ALL_TASK_KEYS = allTaskKeys();

  private final YamlMap defaults;

  /** @param defaults the DAG's default_args mapping, or null */
  TaskParser(YamlMap defaults) {
    this.defaults = defaults;
  }

  TaskDefinition parse(YamlMap t) {
    String named = t.string("task_id");
    String where = named == null ? "in task" : "in task '" + named + "'";
    t.rejectUnknownKeys(ALL_TASK_KEYS, where);
    String taskId = t.requiredString("task_id", " in task");
    if (!Dag.TASK_ID.matcher(taskId).matches()) {
      throw t.error("task_id", "task_id '" + taskId + "' must be 1-250 characters of A-Z a-z 0-9 _ . -");
    }
    String typeName = t.requiredString("type", " in task '" + taskId + "'");
    String type = typeName.trim().toLowerCase(Locale.ROOT);
    SpecReader reader = TYPES.get(type);
    if (reader == null) {
      throw t.error("type", "unknown task type '" + type
          + "' (expected shell, http, noop, sleep or java) in task '" + taskId + "'");
    }
    Set<String> allowed = new HashSet<>(COMMON_KEYS);
    allowed.addAll(DEFAULT_ARG_KEYS);
    allowed.addAll(reader.keys());
    t.rejectUnknownKeys(allowed, "for a " + type + " task ('" + taskId + "')");

    String whose = " in " + type + " task '" + taskId + "'";
    TaskDefinition.Builder b = TaskDefinition.builder(taskId, reader.read().apply(t, whose));
    List<String> upstream = t.strings("depends_on");
    if (upstream != null) {
      b.dependsOn(upstream.toArray(String[]::new));
    }
    applyRetryAndPool(b, t);
    return b.build();
  }

  private static HttpSpec http(YamlMap t, String whose) {
    String method = t.string("method");
    method = method == null ? "GET" : method.trim().toUpperCase(Locale.ROOT);
    if (!method.matches("[A-Z]+")) {
      throw t.error("method", "method '" + method + "' is not an HTTP method" + whose);
    }
    return new HttpSpec(method, t.requiredString("url", whose), t.stringMap("headers"), body(t.raw("body")),
        t.integers("expect_status"));
  }

  private void applyRetryAndPool(TaskDefinition.Builder b, YamlMap t) {
    b.retries(pick(t, "retries", m -> m.integer("retries", 0), 0));
    b.retryDelay(pick(t, "retry_delay", m -> m.duration("retry_delay"), null));
    b.retryExponentialBackoff(pick(t, "retry_exponential_backoff",
        m -> m.bool("retry_exponential_backoff"), false));
    b.maxRetryDelay(pick(t, "max_retry_delay", m -> m.duration("max_retry_delay"), null));
    b.executionTimeout(pick(t, "execution_timeout", m -> m.duration("execution_timeout"), null));
    b.pool(pick(t, "pool", m -> m.string("pool"), null));
    b.poolSlots(pick(t, "pool_slots", m -> m.integer("pool_slots", 1), 1));
    b.priorityWeight(pick(t, "priority_weight", m -> m.integer("priority_weight", 1), 1));
    b.triggerRule(pick(t, "trigger_rule", TaskParser::triggerRule, TriggerRule.ALL_SUCCESS));
  }

  /** The task's own value if set, else default_args', else {@code fallback}. */
  private <T> T pick(YamlMap task, String key, java.util.function.Function<YamlMap, T> read, T fallback) {
    if (task.has(key)) {
      return read.apply(task);
    }
    if (defaults != null && defaults.has(key)) {
      return read.apply(defaults);
    }
    return fallback;
  }

  static TriggerRule triggerRule(YamlMap m) {
    String value = m.string("trigger_rule");
    try {
      return TriggerRule.parse(value.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw m.error("trigger_rule", e.getMessage());
    }
  }

  /** A body may be written as text or as YAML structure, which is sent as JSON. */
  private static String body(JsonNode body) {
    if (body == null) {
      return null;
    }
    return body.isValueNode() ? body.asText() : body.toString();
  }

  private static Set<String> allTaskKeys() {
    Set<String> all = new HashSet<>(COMMON_KEYS);
    all.addAll(DEFAULT_ARG_KEYS);
    TYPES.values().forEach(r -> all.addAll(r.keys()));
    return Set.copyOf(all);
  }
}
