package io.contrail.dag;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import io.contrail.run.Ids;
import io.contrail.schedule.Schedule;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * Turns the text of one DAG YAML file (DESIGN.md §3) into a {@link Dag}. Every problem — bytes that
 * are not UTF-8, YAML syntax, an unknown key, a value of the wrong type or out of range, a schedule
 * that is not a cron expression or preset, a missing required key, a duplicate task_id, an unknown
 * upstream, a cycle, a DAG without tasks — becomes a {@link DagImportException} naming the file and
 * the line of the offending key or task, so a user can fix it without guessing, and nothing invalid
 * reaches the scheduler.
 */
final class DagParser {
  private static final Set<String> DAG_KEYS = Set.of("dag_id", "description", "schedule",
      "start_date", "catchup", "paused", "max_active_runs", "max_active_tasks", "tags",
      "default_args", "tasks", "on_success", "on_failure", "on_deadline_missed", "deadline");
  /** Start dates a schedule can be computed from and every database stores. */
  static final Instant EARLIEST_START = Instant.parse("1900-01-01T00:00:00Z");
  static final Instant LATEST_START = Instant.parse("9999-12-31T23:59:59Z");
  static final int MAX_ACTIVE = 100_000;
  static final int MAX_TAG_LENGTH = 100;
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
  private static final String CYCLE_PREFIX = "cycle between tasks: ";

  /** A parsed DAG plus the line of its dag_id key, for errors found later across files, and its document. */
  record Parsed(Dag dag, int dagIdLine, YamlDoc doc) {}

  public Dag parse(Path file, String text) {
    return parseDetailed(file, text).dag();
  }

  /** Parses the bytes of a file, which must be UTF-8 (a byte-order mark is allowed). */
  Parsed parseDetailed(Path file, byte[] bytes) {
    return parseDetailed(file, decode(file.toString(), bytes));
  }

  Parsed parseDetailed(Path file, String text) {
    String name = file.toString();
    YamlDoc doc = YamlDoc.parse(name, text);
    YamlMap root = doc.rootMap();
    root.rejectUnknownKeys(DAG_KEYS, "at the top level of the DAG");

    String dagId = root.requiredIdentifier("dag_id", "");
    try {
      Ids.dagId(dagId);
    } catch (IllegalArgumentException e) {
      throw root.error("dag_id", e.getMessage());
    }
    String schedule = schedule(root);
    Instant startDate = startDate(root);
    boolean catchup = Boolean.TRUE.equals(root.bool("catchup"));
    Boolean paused = root.bool("paused");
    Integer maxActiveRuns = root.integer("max_active_runs", 1, MAX_ACTIVE);
    Integer maxActiveTasks = root.integer("max_active_tasks", 1, MAX_ACTIVE);
    List<String> tags = root.strings("tags");
    if (tags != null) {
      for (String tag : tags) {
        if (tag.isBlank() || tag.length() > MAX_TAG_LENGTH) {
          throw root.error("tags", "tags must be 1-" + MAX_TAG_LENGTH + " characters, not '" + tag + "'");
        }
      }
    }

    YamlMap defaults = root.map("default_args");
    if (defaults != null) {
      Set<String> allowed = new java.util.HashSet<>(TaskParser.DEFAULT_ARG_KEYS);
      allowed.addAll(CallbackParser.TASK_KEYS);
      defaults.rejectUnknownKeys(allowed, "in default_args");
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
    if (tasks.isEmpty()) {
      // its runs would "succeed" without doing anything: almost certainly a mistake
      int line = root.has("tasks") ? root.line("tasks") : root.line("dag_id");
      throw new DagImportException(name, line, "DAG '" + dagId + "' has no tasks: list at least one under 'tasks:'");
    }
    try {
      Dag.Builder builder = Dag.builder(dagId).description(root.string("description")).schedule(schedule)
          .startDate(startDate).catchup(catchup).paused(paused)
          .maxActiveRuns(maxActiveRuns == null ? 0 : maxActiveRuns)
          .maxActiveTasks(maxActiveTasks == null ? 0 : maxActiveTasks)
          .tags(tags).tasks(tasks).fileloc(name);
      CallbackParser.forDag(root).byKind().forEach(builder::callback);
      Dag dag = builder.deadline(CallbackParser.deadline(root)).build();
      return new Parsed(dag, root.line("dag_id"), doc);
    } catch (IllegalArgumentException e) {
      throw new DagImportException(name, lineOfTaskNamedIn(e.getMessage(), taskLines), e.getMessage());
    }
  }

  /** The bytes as text; bytes that are not UTF-8 are an error at their line, never replaced silently. */
  static String decode(String file, byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new DagImportException(file, line, String.format("not UTF-8: byte 0x%02x at offset %d cannot be"
          + " decoded; save the file as UTF-8", bytes[in.position()] & 0xff, in.position()));
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** The schedule as written, checked now so that the scheduler never meets an invalid one. */
  private static String schedule(YamlMap root) {
    String schedule = root.identifier("schedule");
    try {
      Schedule.parse(schedule);
    } catch (IllegalArgumentException e) {
      throw root.error("schedule", e.getMessage());
    }
    return schedule;
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

  /** start_date is an ISO instant, a date-time with offset, or a date (UTC midnight), 1900 to 9999. */
  private static Instant startDate(YamlMap root) {
    String text = root.identifier("start_date");
    if (text == null) {
      return null;
    }
    String s = text.trim();
    Instant start;
    try {
      if (s.length() == 10) {
        start = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else if (s.endsWith("Z") || s.endsWith("z")) {
        start = Instant.parse(s.toUpperCase(java.util.Locale.ROOT));
      } else if (s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        start = OffsetDateTime.parse(s).toInstant();
      } else {
        start = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC); // no zone written: UTC, as Airflow
      }
    } catch (DateTimeParseException e) {
      throw root.error("start_date", "start_date '" + text
          + "' must be an ISO date or instant, like 2026-01-01 or 2026-01-01T00:00:00Z");
    }
    if (start.isBefore(EARLIEST_START) || start.isAfter(LATEST_START)) {
      throw root.error("start_date", "start_date '" + text + "' must be between 1900-01-01 and 9999-12-31");
    }
    return start;
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, a
   * combination like {@code 1m30s}, a bare number of seconds, or ISO-8601 ({@code PT5S}).
   *
   * @throws IllegalArgumentException naming the text when it is none of these
   */
  public static Duration durationOf(String text) {
    return DurationText.parse(text);
  }
}
