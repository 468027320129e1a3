package io.contrail.telemetry.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Airflow's older metric names, with the ids baked in ({@code ti.finish.<dag_id>.<task_id>.<state>}),
 * for the metrics Contrail reports: the rows of Airflow 3.3's metrics registry
 * ({@code metrics_template.yaml}) whose name variables Contrail's tags provide and that Contrail's
 * StatsD lines always had. As in Airflow, a legacy name is looked up by the metric's name and filled
 * from its tags. Sent to StatsD only, with {@code legacy_names_on}: OpenTelemetry gets the ids as
 * attributes.
 */
final class LegacyNames {
  private static final Pattern VARIABLE = Pattern.compile("\\{([a-z_]+)}");

  /** One registry row: the legacy name's template. */
  record Legacy(String template) {
    /**
     * The name with each variable replaced by its tag value as it is, or null when a variable has
     * no value (Airflow raises then; a metric never does here).
     */
    String format(Map<String, String> tags) {
      StringBuilder b = new StringBuilder(template.length() + 64);
      Matcher m = VARIABLE.matcher(template);
      int at = 0;
      while (m.find()) {
        String v = tags.get(m.group(1));
        if (v == null) {
          return null;
        }
        b.append(template, at, m.start()).append(v);
        at = m.end();
      }
      return b.append(template, at, template.length()).toString();
    }
  }

  private static final Map<String, Legacy> REGISTRY = new LinkedHashMap<>();

  static {
    legacy("ti.start", "ti.start.{dag_id}.{task_id}");
    legacy("ti.finish", "ti.finish.{dag_id}.{task_id}.{state}");
    legacy("operator_successes", "operator_successes_{operator_name}");
    legacy("operator_failures", "operator_failures_{operator_name}");
    legacy("task_instance_created", "task_instance_created_{task_type}");
    legacy("dagrun.duration.success", "dagrun.duration.success.{dag_id}");
    legacy("dagrun.duration.failed", "dagrun.duration.failed.{dag_id}");
    legacy("dagrun.schedule_delay", "dagrun.schedule_delay.{dag_id}");
    legacy("dagrun.first_task_scheduling_delay", "dagrun.{dag_id}.first_task_scheduling_delay");
    legacy("task.duration", "dag.{dag_id}.{task_id}.duration");
    legacy("task.queued_duration", "dag.{dag_id}.{task_id}.queued_duration");
    legacy("task.scheduled_duration", "dag.{dag_id}.{task_id}.scheduled_duration");
    for (String pool : List.of("open_slots", "queued_slots", "running_slots", "starving_tasks")) {
      legacy("pool." + pool, "pool." + pool + ".{pool_name}");
    }
    // Airflow 3.3 also has executor.<metric>.{executor_class_name}; Contrail's StatsD lines never
    // had it, and they stay as they were
  }

  private LegacyNames() {}

  /** The registry row of a metric (name without prefix), or null when it has no legacy name. */
  static Legacy of(String name) {
    return REGISTRY.get(name);
  }

  private static void legacy(String name, String template) {
    REGISTRY.put(name, new Legacy(template));
  }
}
