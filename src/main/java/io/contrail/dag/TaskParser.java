package io.contrail.dag;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
  private static final Map<TaskType, Set<String>> TYPE_KEYS = Map.of(
      TaskType.SHELL, Set.of("command", "env"),
      TaskType.HTTP, Set.of("method", "url", "headers", "body", "expect_status"),
      TaskType.NOOP, Set.of(),
      TaskType.SLEEP, Set.of("duration"),
      TaskType.JAVA, Set.of("class"));
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
    TaskType type;
    try {
      type = TaskType.parse(typeName.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw t.error("type", e.getMessage() + " in task '" + taskId + "'");
    }
    Set<String> allowed = new HashSet<>(COMMON_KEYS);
    allowed.addAll(DEFAULT_ARG_KEYS);
    allowed.addAll(TYPE_KEYS.get(type));
    t.rejectUnknownKeys(allowed, "for a " + type.id() + " task ('" + taskId + "')");

    String whose = " in " + type.id() + " task '" + taskId + "'";
    TaskDefinition.Builder b = TaskDefinition.builder(taskId, type);
    List<String> upstream = t.strings("depends_on");
    if (upstream != null) {
      b.dependsOn(upstream.toArray(String[]::new));
    }
    applyRetryAndPool(b, t);
    switch (type) {
      case SHELL -> b.command(t.requiredString("command", whose)).env(t.stringMap("env"));
      case HTTP -> {
        String method = t.string("method");
        method = method == null ? "GET" : method.trim().toUpperCase(Locale.ROOT);
        if (!method.matches("[A-Z]+")) {
          throw t.error("method", "method '" + method + "' is not an HTTP method" + whose);
        }
        b.method(method).url(t.requiredString("url", whose)).headers(t.stringMap("headers"))
            .body(body(t.raw("body")));
        List<Integer> expect = t.integers("expect_status");
        if (expect != null) {
          b.expectStatus(expect);
        }
      }
      case SLEEP -> {
        if (!t.has("duration")) {
          throw t.missing("duration", whose);
        }
        b.duration(t.duration("duration"));
      }
      case JAVA -> b.className(t.requiredString("class", whose));
      case NOOP -> { }
    }
    return b.build();
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
    TYPE_KEYS.values().forEach(all::addAll);
    return Set.copyOf(all);
  }
}
