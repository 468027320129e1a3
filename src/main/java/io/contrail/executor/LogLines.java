package io.contrail.executor;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line format of an attempt's log file: {@code <instant> <stream> <text>}, e.g.
 * {@code 2026-12-02T03:45:10.123456Z stderr connection refused}. The instant (UTC, microseconds)
 * is taken when the line was written — by the shell task's wrapper for the command's output, by
 * the executor for Contrail's own lines and a Java task's output — so it survives a crash of the
 * scheduler and is each line's own timestamp when the line becomes an OTel log record. Lines
 * without a stamp (logs written before the format existed) are read as stdout lines of unknown time.
 *
 * <p>One more kind of line records how a shell task's command exited: {@code <instant> exit <code>}
 * ({@link #exitLine}, {@link AttemptExit}), written by the wrapper or the executor, never through
 * a stamper, so no output of the task can take its form. It is read as Contrail's own stdout line
 * {@code [contrail] the command exited with code <code>}.
 */
public final class LogLines {
  /** Where a line came from: the task's stdout (and Contrail's own lines) or its stderr. */
  public enum Stream {
    STDOUT, STDERR;

    public String id() {
      return this == STDOUT ? "stdout" : "stderr";
    }
  }

  /** One line read back: {@code time} null when the line carries no stamp. */
  public record Line(Instant time, Stream stream, String text) {}

  private static final DateTimeFormatter STAMP = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
      .appendLiteral('Z').toFormatter().withZone(ZoneOffset.UTC);
  private static final String INSTANT = "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?Z)";
  private static final Pattern STAMPED = Pattern.compile(INSTANT + " (stdout|stderr) (.*)", Pattern.DOTALL);
  private static final Pattern EXIT = Pattern.compile(INSTANT + " exit (\\d{1,3})");

  /**
   * The bash function the shell wrapper pipes the command's stdout and stderr through: it stamps
   * each line as it arrives (the date part is formatted once per second; a last line without a
   * newline gets one). {@code $1} is the stream's name. TZ is exported, or bash would not apply it
   * (on a machine whose local zone is not UTC and whose TZ is unset, every stamp was local time
   * marked Z). TERM (the wrapper's when a background
   * child still holds the output) ends it between lines, never inside one.
   */
  static final String BASH_STAMPER = """
      __contrail_stamp() {
        trap 'exit 0' TERM
        local -x TZ=UTC0 __l __t __s= __d=
        while IFS= read -r __l || [ -n "$__l" ]; do
          __t=$EPOCHREALTIME
          [ "${__t%[.,]*}" = "$__s" ] || { __s=${__t%[.,]*}; printf -v __d '%(%Y-%m-%dT%H:%M:%S)T' "$__s"; }
          printf '%s.%sZ %s %s\\n' "$__d" "${__t#*[.,]}" "$1" "$__l"
        done
      }
      """;

  private LogLines() {}

  /** The stamp and stream that begin a line written at {@code at}, with the separating space. */
  public static String prefix(Instant at, Stream stream) {
    return STAMP.format(at) + " " + stream.id() + " ";
  }

  /** A whole line (without its newline). */
  public static String format(Instant at, Stream stream, String text) {
    return prefix(at, stream) + text;
  }

  /** The line (with its newline) that records a command's exit with {@code code} at {@code at}. */
  public static String exitLine(Instant at, int code) {
    return STAMP.format(at) + " exit " + code + "\n";
  }

  /**
   * The bash that appends the exit line for the status in {@code $__contrail_status} to the
   * wrapper's stdout (the log), stamped like the stamper's lines (the command has ended, so the
   * exported TZ reaches nothing of the task's).
   */
  static final String BASH_EXIT_LINE = """
      __t=$EPOCHREALTIME; export TZ=UTC0
      printf -v __d '%(%Y-%m-%dT%H:%M:%S)T' "${__t%[.,]*}"
      printf '%s.%sZ exit %d\\n' "$__d" "${__t#*[.,]}" "$__contrail_status"
      """;

  /** The exit a line (without its line end) records, if it is an exit line. */
  static Optional<AttemptExit> exit(String line) {
    Matcher m = EXIT.matcher(line);
    if (!m.matches()) {
      return Optional.empty();
    }
    return instant(m.group(1)).map(at -> new AttemptExit(Integer.parseInt(m.group(2)), at));
  }

  /** Reads one line of a log file (without its line end). */
  public static Line parse(String line) {
    Matcher m = STAMPED.matcher(line);
    if (m.matches()) {
      Optional<Instant> at = instant(m.group(1));
      if (at.isPresent()) {
        return new Line(at.get(), m.group(2).equals("stderr") ? Stream.STDERR : Stream.STDOUT, m.group(3));
      }
    }
    Optional<AttemptExit> exit = exit(line);
    if (exit.isPresent()) {
      return new Line(exit.get().endedAt(), Stream.STDOUT,
          "[contrail] the command exited with code " + exit.get().exitCode());
    }
    return new Line(null, Stream.STDOUT, line);
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
