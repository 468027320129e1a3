package io.contrail.executor;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a shell task's command exited, as recorded in the attempt's log by whoever saw it exit —
 * the bash wrapper, or the executor for a command run without it — as a line of its own
 * ({@link LogLines#exitLine}, e.g. {@code 2026-12-02T03:45:10.123456Z exit 0}). It is written
 * before the wrapper kills what is left of the task's process group and before the executor
 * records the try, so it outlives the scheduler that started the try: a recovering scheduler reads
 * it to record the try's real outcome and end time instead of running finished work again. No
 * output of the task can look like it: every line of the task's output is stamped as stdout or
 * stderr. Recording the exit in the log, which exists anyway, costs no file of its own (a new
 * file per try is a new inode, the dearest part of a short task's file work).
 *
 * <p>Wrappers of versions before 2026-12-06 wrote the exit to {@code attempt=N.exit} beside the
 * log, in the form {@code exit_code=0 ended_at=1767225600.123456}; a try such a wrapper ran is
 * still recovered from that file.
 */
public record AttemptExit(int exitCode, Instant endedAt) {
  private static final Pattern FILE_LINE = Pattern.compile("exit_code=(\\d+) ended_at=(\\d+)[.,](\\d+)\\n");
  /** How much of a log's end is searched for the exit line: after it come only the executor's closing lines. */
  private static final int TAIL = 64 * 1024;

  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * The exit recorded for the try whose log is {@code log}: the last exit line in the log's last
   * 64 KiB, else the exit file of an earlier version's wrapper ({@code legacyExitFile}, may be
   * null). An exit that ended before {@code notBefore} (the try's start, may be null) belongs to an
   * earlier run of the same try (one handed back) and is not this run's.
   */
  public static Optional<AttemptExit> recorded(Path log, Path legacyExitFile, Instant notBefore) {
    Optional<AttemptExit> exit = inLog(log);
    if (exit.isEmpty() && legacyExitFile != null) {
      exit = inExitFile(legacyExitFile);
    }
    return exit.filter(e -> notBefore == null || !e.endedAt().isBefore(notBefore));
  }

  /** The last exit line of the log's tail, if there is one. */
  static Optional<AttemptExit> inLog(Path log) {
    byte[] tail;
    long from;
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
      long size = ch.size();
      from = Math.max(0, size - TAIL);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // read on until the buffer is full or the file ends
      }
      tail = java.util.Arrays.copyOf(buf.array(), buf.position());
    } catch (IOException e) {
      return Optional.empty(); // no log (yet)
    }
    // lines end with \n; a line counts only when it begins in the tail (at its start only if the file does)
    int end = tail.length;
    while (end > 0) {
      int lineEnd = end - 1;
      if (tail[lineEnd] != '\n') {
        // a last line without its newline is still being written
        int nl = lastNewline(tail, lineEnd);
        end = nl < 0 ? 0 : nl + 1;
        continue;
      }
      int nl = lastNewline(tail, lineEnd - 1);
      int start = nl + 1;
      if (nl < 0 && from > 0) {
        break; // the line began before the tail
      }
      Optional<AttemptExit> exit = LogLines.exit(new String(tail, start, lineEnd - start, StandardCharsets.UTF_8));
      if (exit.isPresent()) {
        return exit;
      }
      end = start;
    }
    return Optional.empty();
  }

  private static int lastNewline(byte[] b, int from) {
    for (int i = from; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** An exit file of an earlier version's wrapper, if it holds a whole line. */
  static Optional<AttemptExit> inExitFile(Path file) {
    String text;
    try {
      if (Files.size(file) > 200) {
        return Optional.empty();
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return Optional.empty(); // not written: the command had not exited, or was killed
    }
    Matcher m = FILE_LINE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      BigDecimal seconds = new BigDecimal(m.group(2) + "." + m.group(3));
      Instant end = Instant.ofEpochSecond(seconds.longValue(),
          seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
      return Optional.of(new AttemptExit(Integer.parseInt(m.group(1)), end));
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
