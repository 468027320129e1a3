package io.contrail.executor;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a shell task's command exited, as its wrapper recorded it in {@code attempt=N.exit} beside
 * the attempt's log: one line {@code exit_code=0 ended_at=1767225600.123456} (the end as Unix
 * seconds). The wrapper writes it before it kills what is left of the task's process group, so
 * the file outlives the scheduler that started the try: a recovering scheduler reads it to record
 * the try's real outcome and end time instead of running finished work again.
 */
public record AttemptExit(int exitCode, Instant endedAt) {
  private static final Pattern LINE = Pattern.compile("exit_code=(\\d+) ended_at=(\\d+)[.,](\\d+)\\n");

  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Records an exit the executor saw itself (a shell command run without the bash wrapper), in the
   * wrapper's format, 0600. A reader that comes while it is written finds no whole line, as with
   * the wrapper's own write.
   */
  static void write(Path file, int exitCode, Instant endedAt) throws IOException {
    Files.deleteIfExists(file);
    io.contrail.security.PrivateFiles.writeNew(file, "exit_code=" + exitCode + " ended_at=" + endedAt.getEpochSecond()
        + "." + String.format("%06d", endedAt.getNano() / 1000) + "\n");
  }

  /** The recorded exit, if the file holds a whole line (a wrapper killed mid-write leaves none). */
  public static Optional<AttemptExit> read(Path file) {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > 200) {
        return Optional.empty();
      }
      text = new String(bytes, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return Optional.empty(); // not written (yet): the command has not exited, or was killed
    }
    Matcher m = LINE.matcher(text);
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
