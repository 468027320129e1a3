package io.contrail.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A busy worker writes its row once per heartbeat interval, but a new state or a new job at once. */
class ReportThrottleTest {
  private static final long MS = 1_000_000;

  @Test
  void claimsWithinAnIntervalWriteTheRowOnce() {
    ReportThrottle t = new ReportThrottle(Duration.ofSeconds(1));
    assertThat(t.due(7, "running", 0)).isTrue();
    for (int claim = 1; claim < 100; claim++) {
      assertThat(t.due(7, "running", claim * 5 * MS)).as("claim %d", claim).isFalse();
    }
    assertThat(t.due(7, "running", 1000 * MS)).as("a heartbeat interval later").isTrue();
  }

  @Test
  void aNewStateOrANewJobIsWrittenAtOnce() {
    ReportThrottle t = new ReportThrottle(Duration.ofSeconds(1));
    t.due(7, "running", 0);
    assertThat(t.due(7, "stopping", MS)).isTrue();
    assertThat(t.due(8, "stopping", 2 * MS)).as("registered again as a new job").isTrue();
  }
}
