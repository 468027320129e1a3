package io.contrail.dag;

import io.contrail.api.Callback;
import io.contrail.api.CallbackKind;
import io.contrail.api.Callbacks;
import io.contrail.api.Deadline;
import io.contrail.api.HttpSpec;
import io.contrail.api.ShellSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Reads callbacks and deadlines from DAG YAML. A callback is a shell command written as a string
 * ({@code on_failure: "notify.sh {{ task_id }}"}) or a mapping in the shell or http task type's
 * own keys plus {@code timeout}:
 *
 * <pre>
 * on_failure: {type: http, method: POST, url: "http://hooks/x", body: "{{ exception }}", timeout: 10s}
 * deadline: {after: queued, within: 30m}
 * </pre>
 */
final class CallbackParser {
  /** Task-level keys (also in default_args). */
  static final Set<String> TASK_KEYS = Set.of("on_success", "on_failure", "on_retry");
  /** DAG-level keys: the run's callbacks, the deadline and its callback. */
  static final Set<String> DAG_KEYS = Set.of("on_success", "on_failure", "on_deadline_missed", "deadline");

  private static final Set<String> SHELL_KEYS = Set.of("type", "command", "env", "timeout");
  private static final Set<String> HTTP_KEYS = Set.of("type", "method", "url", "headers", "body",
      "expect_status", "timeout");

  private CallbackParser() {}

  /** The task's callbacks: its own keys win over default_args'. */
  static Callbacks forTask(YamlMap task, YamlMap defaults) {
    Callbacks out = Callbacks.NONE;
    for (String key : TASK_KEYS) {
      YamlMap from = task.has(key) ? task : defaults != null && defaults.has(key) ? defaults : null;
      if (from != null) {
        out = out.with(CallbackKind.parse(key), callback(from, key));
      }
    }
    return out;
  }

  /** The DAG's own callbacks (for its runs) and on_deadline_missed. */
  static Callbacks forDag(YamlMap root) {
    Callbacks out = Callbacks.NONE;
    for (String key : DAG_KEYS) {
      if (!key.equals("deadline") && root.has(key)) {
        out = out.with(CallbackKind.parse(key), callback(root, key));
      }
    }
    return out;
  }

  static Deadline deadline(YamlMap root) {
    YamlMap d = root.map("deadline");
    if (d == null) {
      return null;
    }
    d.rejectUnknownKeys(Set.of("after", "within"), "in deadline (expected after and within)");
    String after = d.requiredString("after", " in deadline (queued or logical_date)").trim().toLowerCase(Locale.ROOT);
    Deadline.Reference reference = switch (after) {
      case "queued", "queued_at" -> Deadline.Reference.QUEUED;
      case "logical_date" -> Deadline.Reference.LOGICAL_DATE;
      default -> throw d.error("after", "deadline after '" + after + "' must be queued or logical_date");
    };
    if (!d.has("within")) {
      throw d.missing("within", " in deadline (a duration such as 30m)");
    }
    try {
      return new Deadline(reference, d.duration("within", Duration.ofMillis(1), TaskParser.MAX_DURATION));
    } catch (IllegalArgumentException e) {
      throw d.error("within", e.getMessage());
    }
  }

  private static Callback callback(YamlMap parent, String key) {
    if (parent.raw(key).isValueNode()) {
      String command = parent.string(key);
      if (command.isBlank()) {
        throw parent.error(key, "'" + key + "' must be a shell command or a mapping, not empty");
      }
      return Callback.shell(command);
    }
    YamlMap m = parent.map(key);
    String type = m.has("type") ? m.string("type").trim().toLowerCase(Locale.ROOT) : m.has("url") ? "http" : "shell";
    String whose = " in " + key;
    return switch (type) {
      case "shell" -> {
        m.rejectUnknownKeys(SHELL_KEYS, "for a shell callback (" + key + ")");
        yield new Callback(new ShellSpec(m.requiredString("command", whose), m.stringMap("env")), m.duration("timeout", Duration.ofMillis(1), TaskParser.MAX_DURATION));
      }
      case "http" -> {
        m.rejectUnknownKeys(HTTP_KEYS, "for an http callback (" + key + ")");
        HttpSpec request = TaskParser.http(m, whose);
        yield new Callback(request, m.duration("timeout", Duration.ofMillis(1), TaskParser.MAX_DURATION));
      }
      default -> throw m.error("type", "a callback's type is shell or http, not '" + type + "'" + whose);
    };
  }
}
