package io.contrail.dag;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.api.HttpSpec;
import io.contrail.api.JavaSpec;
import io.contrail.api.NoopSpec;
import io.contrail.api.ShellSpec;
import io.contrail.api.SleepSpec;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import io.contrail.api.TriggerRule;
import io.contrail.run.Ids;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads the {@code tasks:} list items of a DAG file. A task's own retry/pool/trigger settings win
 * over {@code default_args}, which win over the model's defaults; keys that belong to another task
 * type are rejected so a typo like {@code comand:} or a {@code url:} on a shell task is caught, and
 * every value is checked against its range (retries, durations, pool names, status codes ...).
 */
final class TaskParser {
  /** Keys allowed both in default_args and on a task. */
  static final Set<String> DEFAULT_ARG_KEYS = Set.of("retries", "retry_delay",
      "retry_exponential_backoff", "max_retry_delay", "execution_timeout", "pool", "pool_slots",
      "priority_weight", "trigger_rule", "queue");
  private static final Set<String> COMMON_KEYS = Set.of("task_id", "type", "depends_on", "on_success",
      "on_failure", "on_retry");
  /** Retries beyond this are a typo, and a count near Integer.MAX_VALUE would overflow max_tries. */
  static final int MAX_RETRIES = 10_000;
  static final int MAX_POOL_SLOTS = 100_000;
  /** Small enough that a DAG's summed downstream weights stay far from overflowing an int. */
  static final int MAX_PRIORITY_WEIGHT = 10_000;
  /** The longest delay, timeout or sleep a DAG file may ask for. */
  static final Duration MAX_DURATION = Duration.ofDays(365);
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9_.-]{1,250}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern CLASS_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
  /** The keys of each task type, and how they become its spec. */
  private record SpecReader(Set<String> keys, BiFunction<YamlMap, String, TaskSpec> read) {}

  private static final Map<String, SpecReader> TYPES = Map.of(
      "shell", new SpecReader(Set.of("command", "env"), TaskParser::shell),
      "http", new SpecReader(Set.of("method", "url", "headers", "body", "expect_status"), TaskParser::http),
      "noop", new SpecReader(Set.of(), (t, whose) -> new NoopSpec()),
      "sleep", new SpecReader(Set.of("duration"), (t, whose) -> {
        if (!t.has("duration")) {
          throw t.missing("duration", whose);
        }
        return new SleepSpec(t.duration("duration", Duration.ZERO, MAX_DURATION));
      }),
      "java", new SpecReader(Set.of("class"), TaskParser::java));
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
    String taskId = t.requiredIdentifier("task_id", " in task");
    try {
      Ids.taskId(taskId);
    } catch (IllegalArgumentException e) {
      throw t.error("task_id", e.getMessage());
    }
    String typeName = t.requiredIdentifier("type", " in task '" + taskId + "'");
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
    List<String> upstream = t.identifiers("depends_on");
    if (upstream != null) {
      b.dependsOn(upstream.toArray(String[]::new));
    }
    applyRetryAndPool(b, t);
    b.callbacks(CallbackParser.forTask(t, defaults));
    return b.build();
  }

  private static ShellSpec shell(YamlMap t, String whose) {
    Map<String, String> env = t.stringMap("env");
    if (env != null) {
      for (String name : env.keySet()) {
        if (!ENV_NAME.matcher(name).matches()) {
          throw t.error("env", "env name '" + name + "' must be letters, digits and _ (not starting with a digit)" + whose);
        }
      }
    }
    return new ShellSpec(t.requiredString("command", whose), env);
  }

  private static JavaSpec java(YamlMap t, String whose) {
    String className = t.requiredIdentifier("class", whose).trim();
    if (!CLASS_NAME.matcher(className).matches()) {
      throw t.error("class", "class '" + className + "' is not a Java class name like com.example.MyTask" + whose);
    }
    return new JavaSpec(className);
  }

  static HttpSpec http(YamlMap t, String whose) {
    String method = t.identifier("method");
    method = method == null ? "GET" : method.trim().toUpperCase(Locale.ROOT);
    if (!method.matches("[A-Z]{1,20}")) {
      throw t.error("method", "method '" + method + "' is not an HTTP method" + whose);
    }
    String url = t.requiredString("url", whose).trim();
    if (!url.contains("{{")) {
      // with placeholders the URL is only known at run time; without, it must be one now
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          throw t.error("url", "url '" + url + "' must be an http:// or https:// URL with a host" + whose);
        }
      } catch (URISyntaxException e) {
        throw t.error("url", "url '" + url + "' is not a URL: " + e.getReason() + whose);
      }
    }
    return new HttpSpec(method, url, t.stringMap("headers"), body(t, t.raw("body")),
        t.integers("expect_status", 100, 599));
  }

  private void applyRetryAndPool(TaskDefinition.Builder b, YamlMap t) {
    b.retries(pick(t, "retries", m -> m.integer("retries", 0, MAX_RETRIES), 0));
    b.retryDelay(pick(t, "retry_delay", m -> m.duration("retry_delay", Duration.ZERO, MAX_DURATION), null));
    b.retryExponentialBackoff(pick(t, "retry_exponential_backoff",
        m -> m.bool("retry_exponential_backoff"), false));
    b.maxRetryDelay(pick(t, "max_retry_delay", m -> m.duration("max_retry_delay", Duration.ofMillis(1), MAX_DURATION), null));
    // a try that may take no time at all would fail at once: 0s is a mistake, not "no limit"
    b.executionTimeout(pick(t, "execution_timeout", m -> m.duration("execution_timeout", Duration.ofMillis(1), MAX_DURATION), null));
    b.pool(pick(t, "pool", TaskParser::pool, null));
    b.poolSlots(pick(t, "pool_slots", m -> m.integer("pool_slots", 1, MAX_POOL_SLOTS), 1));
    b.priorityWeight(pick(t, "priority_weight", m -> m.integer("priority_weight", 1, MAX_PRIORITY_WEIGHT), 1));
    b.triggerRule(pick(t, "trigger_rule", TaskParser::triggerRule, TriggerRule.ALL_SUCCESS));
    b.queue(pick(t, "queue", TaskParser::queue, null));
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

  private static String pool(YamlMap m) {
    String pool = m.identifier("pool");
    if (!POOL.matcher(pool).matches()) {
      throw m.error("pool", "pool '" + pool + "' must be 1-250 characters of A-Z a-z 0-9 _ . -");
    }
    return pool;
  }

  private static String queue(YamlMap m) {
    String queue = m.identifier("queue");
    if (!POOL.matcher(queue).matches()) { // same alphabet as pools: a queue name is also a CLI argument
      throw m.error("queue", "queue '" + queue + "' must be 1-250 characters of A-Z a-z 0-9 _ . -");
    }
    return queue;
  }

  static TriggerRule triggerRule(YamlMap m) {
    String value = m.identifier("trigger_rule");
    try {
      return TriggerRule.parse(value.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw m.error("trigger_rule", e.getMessage());
    }
  }

  /** A body may be written as text (kept as written) or as YAML structure, which is sent as JSON. */
  private static String body(YamlMap t, JsonNode body) {
    if (body == null) {
      return null;
    }
    return body.isValueNode() ? t.written("body") : body.toString();
  }

  private static Set<String> allTaskKeys() {
    Set<String> all = new HashSet<>(COMMON_KEYS);
    all.addAll(DEFAULT_ARG_KEYS);
    TYPES.values().forEach(r -> all.addAll(r.keys()));
    return Set.copyOf(all);
  }
}
