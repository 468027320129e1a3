package io.contrail.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The wrapper's stamps are UTC on a machine whose local zone is not: with TZ unset and
 * /etc/localtime in New York (a private mount namespace where the test may make one), the
 * stamper's lines and the exit line carry the real instant. Before TZ was exported in the wrapper,
 * bash formatted local time and marked it Z.
 */
class LogStampZoneTest {
  private static final Path NEW_YORK = Path.of("/usr/share/zoneinfo/America/New_York");

  @Test
  void stampsAndTheExitLineAreUtcWhereTheLocalZoneIsNot() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(NEW_YORK), "no zoneinfo for America/New_York");
    String script = LogLines.BASH_STAMPER + "echo hello | __contrail_stamp stdout\n__contrail_status=3\n"
        + LogLines.BASH_EXIT_LINE;
    ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c",
        "mount --bind " + NEW_YORK + " /etc/localtime && [ \"$(date +%Z)\" != UTC ] && exec bash -c \"$0\"", script);
    pb.environment().remove("TZ");
    pb.redirectErrorStream(true);
    Instant before = Instant.now();
    Process p;
    try {
      p = pb.start();
    } catch (java.io.IOException e) {
      Assumptions.abort("no unshare here: " + e.getMessage());
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeTrue(p.exitValue() == 0, () -> "a private mount namespace cannot be made here: " + out);
    Instant after = Instant.now();

    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(2);
    LogLines.Line hello = LogLines.parse(lines.get(0));
    assertThat(hello.text()).isEqualTo("hello");
    assertThat(hello.time()).as(lines.get(0)).isBetween(before.minusSeconds(1), after.plusSeconds(1));
    AttemptExit exit = LogLines.exit(lines.get(1)).orElseThrow();
    assertThat(exit.exitCode()).isEqualTo(3);
    assertThat(Duration.between(before, exit.endedAt()).abs()).as(lines.get(1)).isLessThan(Duration.ofSeconds(5));
  }
}
