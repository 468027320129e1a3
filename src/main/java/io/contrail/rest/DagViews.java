package io.contrail.rest;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.contrail.api.Dag;
import io.contrail.schedule.DataInterval;
import io.contrail.schedule.Schedule;
import io.contrail.storage.StoredDag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A DAG as Airflow's DAGResponse and DAGDetailsResponse show it. What Contrail has no notion of
 * carries the value Airflow uses when it does not apply: no bundle version, no DAG versions, no
 * asset schedule, owners {@code ["airflow"]} (Airflow's default owner), the display name is the id.
 */
public final class DagViews {
  static final String BUNDLE = "dags-folder";
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final Path dagsFolder;

  public DagViews(Path dagsFolder) {
    this.dagsFolder = dagsFolder;
  }

  /** What a DAG's response needs besides the DAG: the latest scheduled logical date and import errors. */
  public record Extras(Instant lastScheduledLogicalDate, boolean hasImportErrors, int activeRuns) {}

  public Map<String, Object> dag(StoredDag stored, Extras extras, Instant now) {
    Dag dag = stored.dag();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dag_id", dag.dagId());
    m.put("dag_display_name", dag.dagId());
    m.put("is_paused", stored.paused());
    m.put("is_stale", !stored.active());
    m.put("last_parsed_time", Wire.time(stored.lastParsedAt()));
    m.put("last_parse_duration", null);
    m.put("last_expired", null);
    m.put("bundle_name", BUNDLE);
    m.put("bundle_version", null);
    m.put("relative_fileloc", relative(dag.fileloc()));
    m.put("fileloc", dag.fileloc());
    m.put("description", dag.description() == null || dag.description().isEmpty() ? null : dag.description());
    Schedule schedule = schedule(dag);
    m.put("timetable_summary", schedule.isManualOnly() ? null : dag.schedule());
    m.put("timetable_description", describe(dag, schedule));
    m.put("timetable_partitioned", false);
    m.put("timetable_periodic", periodic(dag, schedule));
    m.put("tags", dag.tags().stream().sorted().map(t -> tag(t, dag.dagId())).toList());
    m.put("max_active_tasks", dag.maxActiveTasks());
    m.put("max_active_runs", dag.maxActiveRuns());
    m.put("max_consecutive_failed_dag_runs", 0);
    m.put("has_task_concurrency_limits", false);
    m.put("has_import_errors", extras.hasImportErrors());
    Optional<DataInterval> next = stored.paused() || !stored.active() ? Optional.empty()
        : schedule.nextInterval(dag.startDate(), extras.lastScheduledLogicalDate(), now);
    m.put("next_dagrun_logical_date", next.map(i -> Wire.time(i.start())).orElse(null));
    m.put("next_dagrun_data_interval_start", next.map(i -> Wire.time(i.start())).orElse(null));
    m.put("next_dagrun_data_interval_end", next.map(i -> Wire.time(i.end())).orElse(null));
    m.put("next_dagrun_run_after", next.map(i -> Wire.time(i.end())).orElse(null));
    m.put("allowed_run_types", null);
    m.put("owners", List.of("airflow"));
    m.put("is_backfillable", periodic(dag, schedule));
    m.put("file_token", fileToken(dag.fileloc()));
    return m;
  }

  Map<String, Object> details(StoredDag stored, Extras extras, Instant now) {
    Dag dag = stored.dag();
    Map<String, Object> m = dag(stored, extras, now);
    m.put("catchup", dag.catchup());
    m.put("dag_run_timeout", null);
    m.put("asset_expression", null);
    m.put("doc_md", null);
    m.put("start_date", Wire.time(dag.startDate()));
    m.put("end_date", null);
    m.put("is_paused_upon_creation", dag.paused());
    m.put("params", Map.of());
    m.put("render_template_as_native_obj", false);
    m.put("template_search_path", null);
    m.put("timezone", "UTC");
    m.put("last_parsed", Wire.time(stored.lastParsedAt()));
    m.put("default_args", null);
    m.put("rerun_with_latest_version", null);
    m.put("owner_links", Map.of());
    m.put("is_favorite", false);
    m.put("active_runs_count", extras.activeRuns());
    m.put("concurrency", dag.maxActiveTasks());
    m.put("latest_dag_version", null);
    return m;
  }

  private static Map<String, Object> tag(String name, String dagId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("dag_id", dagId);
    m.put("dag_display_name", dagId);
    return m;
  }

  private static Schedule schedule(Dag dag) {
    try {
      return Schedule.parse(dag.schedule());
    } catch (IllegalArgumentException e) {
      return Schedule.parse(null); // a stored DAG was parsed once; a schedule that fails now runs nothing
    }
  }

  /** A cron schedule or preset; not manual, not {@code @once}. */
  private static boolean periodic(Dag dag, Schedule schedule) {
    return !schedule.isManualOnly() && !dag.schedule().strip().equalsIgnoreCase("@once");
  }

  private static String describe(Dag dag, Schedule schedule) {
    if (schedule.isManualOnly()) {
      return "Never, external triggers only";
    }
    if (!periodic(dag, schedule)) {
      return "Once, as soon as possible";
    }
    String expression = dag.schedule().strip();
    String cron = Schedule.PRESETS.getOrDefault(expression.toLowerCase(Locale.ROOT), expression);
    try {
      String text = CronDescriptor.instance(Locale.UK).describe(UNIX.parse(cron));
      return text.isEmpty() ? expression : Character.toUpperCase(text.charAt(0)) + text.substring(1) + ", UTC";
    } catch (IllegalArgumentException e) {
      return expression;
    }
  }

  /** The DAG file relative to dags_folder when it is inside it, else as given. */
  public String relative(String fileloc) {
    if (fileloc == null || fileloc.isEmpty()) {
      return null;
    }
    Path p = Path.of(fileloc);
    Path folder = dagsFolder.toAbsolutePath().normalize();
    return p.isAbsolute() && p.normalize().startsWith(folder) ? folder.relativize(p.normalize()).toString() : fileloc;
  }

  /** Airflow's opaque token naming a DAG file: here a digest of its location. */
  private static String fileToken(String fileloc) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(String.valueOf(fileloc).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
