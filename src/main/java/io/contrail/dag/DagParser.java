package io.contrail.dag;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text of one DAG YAML file (DESIGN.md §3) into a {@link Dag}. Every problem — YAML
 * syntax, an unknown key, a value of the wrong type, a missing required key, a duplicate task_id,
 * an unknown upstream, a cycle — becomes a {@link DagImportException} naming the file and the line
 * of the offending key or task, so a user can fix it without guessing.
 */
final class DagParser {
  private static final Set<String> DAG_KEYS = Set.of("dag_id", "description", "schedule",
      "start_date", "catchup", "paused", "max_active_runs", "max_active_tasks", "tags",
      "default_args", "tasks");
  private static final Pattern DURATION_PART = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
  private static final String CYCLE_PREFIX = "cycle between tasks: ";

  /** A parsed DAG plus the line of its dag_id key, for errors found later across files, and its document. */
  record Parsed(Dag dag, int dagIdLine, YamlDoc doc) {}

  public Dag parse(Path file, String text) {
    return parseDetailed(file, text).dag();
  }

  Parsed parseDetailed(Path file, String text) {
    String name = file.toString();
    YamlDoc doc = YamlDoc.parse(name, text);
    YamlMap root = doc.rootMap();
    root.rejectUnknownKeys(DAG_KEYS, "at the top level of the DAG");

    String dagId = root.requiredString("dag_id", "");
    if (!Dag.DAG_ID.matcher(dagId).matches()) {
      throw root.error("dag_id", "dag_id '" + dagId + "' must be 1-250 characters of A-Z a-z 0-9 _ . -");
    }
    String schedule = root.string("schedule");
    Instant startDate = startDate(root);
    boolean catchup = Boolean.TRUE.equals(root.bool("catchup"));
    Boolean paused = root.bool("paused");
    Integer maxActiveRuns = root.integer("max_active_runs", 1);
    Integer maxActiveTasks = root.integer("max_active_tasks", 1);
    List<String> tags = root.strings("tags");

    YamlMap defaults = root.map("default_args");
    if (defaults != null) {
      defaults.rejectUnknownKeys(TaskParser.DEFAULT_ARG_KEYS, "in default_args");
    }
    TaskParser taskParser = new TaskParser(defaults);
    List<YamlMap> taskNodes = root.maps("tasks", "task");
    List<TaskDefinition> tasks = new ArrayList<>();
    Map<String, Integer> taskLines = new HashMap<>();
    for (YamlMap node : taskNodes) {
      TaskDefinition task = taskParser.parse(node);
      if (taskLines.putIfAbsent(task.taskId(), node.line()) != null) {
        throw new DagImportException(name, node.line(), "duplicate task_id '" + task.taskId()
            + "' (first defined at line " + taskLines.get(task.taskId()) + ")");
      }
      tasks.add(task);
    }
    for (int i = 0; i < tasks.size(); i++) {
      for (String up : tasks.get(i).dependsOn()) {
        if (!taskLines.containsKey(up)) {
          throw new DagImportException(name, taskNodes.get(i).line(), "task '"
              + tasks.get(i).taskId() + "' depends on unknown task '" + up + "'");
        }
      }
    }
    try {
      Dag dag = Dag.builder(dagId).description(root.string("description")).schedule(schedule)
          .startDate(startDate).catchup(catchup).paused(paused)
          .maxActiveRuns(maxActiveRuns == null ? 0 : maxActiveRuns)
          .maxActiveTasks(maxActiveTasks == null ? 0 : maxActiveTasks)
          .tags(tags).tasks(tasks).fileloc(name).build();
      return new Parsed(dag, root.line("dag_id"), doc);
    } catch (IllegalArgumentException e) {
      throw new DagImportException(name, lineOfTaskNamedIn(e.getMessage(), taskLines), e.getMessage());
    }
  }

  /** Maps a {@link Dag} validation message (a cycle, mostly) to the line of the first task it names. */
  private static int lineOfTaskNamedIn(String message, Map<String, Integer> taskLines) {
    List<String> names = new ArrayList<>();
    if (message != null && message.startsWith(CYCLE_PREFIX)) {
      names.addAll(List.of(message.substring(CYCLE_PREFIX.length()).split(" -> ")));
    } else if (message != null) {
      Matcher m = QUOTED.matcher(message);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names.stream().filter(taskLines::containsKey).map(taskLines::get).findFirst().orElse(1);
  }

  /** start_date is an ISO instant, a date-time with offset, or a date (UTC midnight). */
  private static Instant startDate(YamlMap root) {
    String text = root.string("start_date");
    if (text == null) {
      return null;
    }
    String s = text.trim();
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (s.endsWith("Z") || s.endsWith("z")) {
        return Instant.parse(s.toUpperCase(java.util.Locale.ROOT));
      }
      if (s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(s).toInstant();
      }
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC); // no zone written: UTC, as Airflow
    } catch (DateTimeParseException e) {
      throw root.error("start_date", "start_date '" + text
          + "' must be an ISO date or instant, like 2026-01-01 or 2026-01-01T00:00:00Z");
    }
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, a
   * combination like {@code 1m30s}, a bare number of seconds, or ISO-8601 ({@code PT5S}).
   *
   * @throws IllegalArgumentException naming the text when it is none of these
   */
  public static Duration durationOf(String text) {
    String s = text == null ? "" : text.trim();
    try {
      if (s.matches("\\d+")) {
        return Duration.ofSeconds(Long.parseLong(s));
      }
      if (s.matches("\\d+\\.\\d+")) {
        return Duration.ofNanos(new java.math.BigDecimal(s).movePointRight(9).longValueExact());
      }
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
      }
      Matcher m = DURATION_PART.matcher(s);
      Duration total = Duration.ZERO;
      int pos = 0;
      while (pos < s.length() && m.find(pos) && m.start() == pos) {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
        pos = m.end();
      }
      if (pos > 0 && pos == s.length()) {
        return total;
      }
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      // fall through to the one message users see
    }
    throw new IllegalArgumentException("invalid duration '" + text
        + "' (expected e.g. 500ms, 5s, 2m, 1h, 1d, 1m30s or a number of seconds)");
  }
}
