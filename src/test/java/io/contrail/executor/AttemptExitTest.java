package io.contrail.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a shell try's exit back from the end of its log, as recovery after a crash does. */
class AttemptExitTest {
  private static final Instant START = Instant.parse("2026-12-06T21:45:10.000001Z");
  private static final Instant END = Instant.parse("2026-12-06T21:45:12.123456Z");

  @TempDir
  Path dir;

  @Test
  void theExitLineIsFoundAmongTheLinesAroundIt() throws Exception {
    Path log = log(out("hello") + LogLines.exitLine(END, 3) + out("[contrail] failed after 2123ms"));

    assertThat(AttemptExit.recorded(log, null, START)).contains(new AttemptExit(3, END));
    assertThat(LogLines.parse(LogLines.exitLine(END, 3).strip()))
        .as("readers see it as Contrail's own line").isEqualTo(new LogLines.Line(END, LogLines.Stream.STDOUT,
            "[contrail] the command exited with code 3"));
  }

  @Test
  void outputOfTheTaskThatLooksLikeAnExitLineIsNotOne() throws Exception {
    // a task printing an exit line gets it stamped: stdout, not exit
    Path log = log(out(LogLines.exitLine(END, 0).strip()) + LogLines.format(END, LogLines.Stream.STDERR,
        LogLines.exitLine(END, 0).strip()) + "\n");

    assertThat(AttemptExit.recorded(log, null, START)).isEmpty();
  }

  @Test
  void noExitWhileTheLineIsHalfWrittenOrTheCommandStillRuns() throws Exception {
    String line = LogLines.exitLine(END, 0);
    assertThat(AttemptExit.recorded(log(out("working")), null, START)).isEmpty();
    assertThat(AttemptExit.recorded(log(out("working") + line.substring(0, line.length() - 1)), null, START))
        .isEmpty();
    assertThat(AttemptExit.recorded(dir.resolve("missing.log"), null, START)).isEmpty();
  }

  @Test
  void anExitOfAnEarlierRunOfTheSameTryIsNotThisRunsAndTheLastExitCounts() throws Exception {
    Instant earlier = START.minusSeconds(60);
    Path log = log(LogLines.exitLine(earlier, 0) + out("handed back, run again"));
    assertThat(AttemptExit.recorded(log, null, START)).as("it ended before this run started").isEmpty();

    Path twice = log(LogLines.exitLine(earlier, 0) + out("again") + LogLines.exitLine(END, 1));
    assertThat(AttemptExit.recorded(twice, null, START)).contains(new AttemptExit(1, END));
  }

  @Test
  void aLogLongerThanTheSearchedTailIsSearchedFromItsEnd() throws Exception {
    String big = out("x".repeat(200)).repeat(2000); // ~460 KB of output before the exit
    Path log = log(big + LogLines.exitLine(END, 0) + out("[contrail] succeeded"));
    assertThat(AttemptExit.recorded(log, null, START)).contains(new AttemptExit(0, END));

    Path lineBeforeTail = log(out("y".repeat(70 * 1024)));
    assertThat(AttemptExit.recorded(lineBeforeTail, null, START)).isEmpty();
  }

  @Test
  void theExitFileOfAnEarlierVersionsWrapperIsReadWhenTheLogHasNoExitLine() throws Exception {
    Path log = log(out("old wrapper"));
    Path file = dir.resolve("attempt=1.exit");
    Files.writeString(file, "exit_code=2 ended_at=" + END.getEpochSecond() + ".123456\n");

    assertThat(AttemptExit.recorded(log, file, START)).contains(new AttemptExit(2, END));
    Files.writeString(file, "exit_code=2 ended_at=");
    assertThat(AttemptExit.recorded(log, file, START)).as("killed mid-write").isEmpty();
  }

  private static String out(String text) {
    return LogLines.format(START, LogLines.Stream.STDOUT, text) + "\n";
  }

  private Path log(String content) throws Exception {
    Path file = Files.createTempFile(dir, "attempt", ".log");
    Files.writeString(file, content);
    return file;
  }
}
