package io.contrail.telemetry.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Airflow's older metric names, with the ids baked in ({@code ti.finish.<dag_id>.<task_id>.<state>}),
 * for the metrics Contrail reports: the rows of Airflow 3.3's metrics registry
 * ({@code metrics_template.yaml}) whose name variables Contrail's tags provide. As in Airflow, a
 * legacy name is looked up by the metric's name and filled from its tags; the tags not used in the
 * name stay tags of the legacy metric. Sent with {@code legacy_names_on}.
 */
final class LegacyNames {
  private static final Pattern VARIABLE = Pattern.compile("\\{([a-z_]+)}");

  /** One registry row: the legacy name's template and whether StatsD gets it. */
  record Legacy(String template, List<String> variables, boolean statsd) {
    /**
     * The name with each variable replaced by its tag value passed through {@code value}, or null
     * when a variable has no value (Airflow raises then; a metric never does here).
     */
    String format(Map<String, String> tags, UnaryOperator<String> value) {
      StringBuilder b = new StringBuilder(template.length() + 64);
      Matcher m = VARIABLE.matcher(template);
      int at = 0;
      while (m.find()) {
        String v = tags.get(m.group(1));
        if (v == null) {
          return null;
        }
        b.append(template, at, m.start()).append(value.apply(v));
        at = m.end();
      }
      return b.append(template, at, template.length()).toString();
    }

    /** The tags that are not part of the name, as Airflow keeps them on the legacy metric. */
    Map<String, String> otherTags(Map<String, String> tags) {
      Map<String, String> rest = new LinkedHashMap<>(tags);
      variables.forEach(rest::remove);
      return rest;
    }
  }

  private static final Map<String, Legacy> REGISTRY = new LinkedHashMap<>();

  static {
    statsdAndOtel("ti.start", "ti.start.{dag_id}.{task_id}");
    statsdAndOtel("ti.finish", "ti.finish.{dag_id}.{task_id}.{state}");
    statsdAndOtel("operator_successes", "operator_successes_{operator_name}");
    statsdAndOtel("operator_failures", "operator_failures_{operator_name}");
    statsdAndOtel("task_instance_created", "task_instance_created_{task_type}");
    statsdAndOtel("dagrun.duration.success", "dagrun.duration.success.{dag_id}");
    statsdAndOtel("dagrun.duration.failed", "dagrun.duration.failed.{dag_id}");
    statsdAndOtel("dagrun.schedule_delay", "dagrun.schedule_delay.{dag_id}");
    statsdAndOtel("dagrun.first_task_scheduling_delay", "dagrun.{dag_id}.first_task_scheduling_delay");
    statsdAndOtel("task.duration", "dag.{dag_id}.{task_id}.duration");
    statsdAndOtel("task.queued_duration", "dag.{dag_id}.{task_id}.queued_duration");
    statsdAndOtel("task.scheduled_duration", "dag.{dag_id}.{task_id}.scheduled_duration");
    for (String pool : List.of("open_slots", "queued_slots", "running_slots", "starving_tasks")) {
      statsdAndOtel("pool." + pool, "pool." + pool + ".{pool_name}");
    }
    // Airflow 3.3 sends these to StatsD too; Contrail's StatsD lines stay as they were before 3.3's
    // conventions were followed, so only OpenTelemetry gets them
    for (String executor : List.of("open_slots", "queued_tasks", "running_tasks")) {
      REGISTRY.put("executor." + executor, legacy("executor." + executor + ".{executor_class_name}", false));
    }
  }

  private LegacyNames() {}

  /** The registry row of a metric (name without prefix), or null when it has no legacy name. */
  static Legacy of(String name) {
    return REGISTRY.get(name);
  }

  /**
   * Airflow 3.3's rule for a tag value inside a legacy name: a '.' (a task group's task_id) would
   * add a level to the dotted name, so it becomes "__".
   */
  static String airflowValue(String value) {
    return value.replace(".", "__");
  }

  private static void statsdAndOtel(String name, String template) {
    REGISTRY.put(name, legacy(template, true));
  }

  private static Legacy legacy(String template, boolean statsd) {
    List<String> variables = new ArrayList<>();
    Matcher m = VARIABLE.matcher(template);
    while (m.find()) {
      variables.add(m.group(1));
    }
    return new Legacy(template, List.copyOf(variables), statsd);
  }
}
