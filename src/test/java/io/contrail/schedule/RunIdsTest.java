package io.contrail.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.RunType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunIdsTest {
  @Test
  void manualUsesMicrosecondInstant() {
    assertThat(RunIds.manual(Instant.parse("2026-01-01T00:00:00.123456789Z")))
        .isEqualTo("manual__2026-01-01T00:00:00.123456Z");
    assertThat(RunIds.manual(Instant.parse("2026-01-01T00:00:00Z")))
        .isEqualTo("manual__2026-01-01T00:00:00.000000Z");
  }

  @Test
  void scheduledAndBackfillUseTheLogicalDate() {
    Instant logical = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(RunIds.scheduled(logical)).isEqualTo("scheduled__2026-01-01T00:00:00Z");
    assertThat(RunIds.backfill(logical)).isEqualTo("backfill__2026-01-01T00:00:00Z");
    assertThat(RunIds.of(RunType.BACKFILL, logical)).isEqualTo("backfill__2026-01-01T00:00:00Z");
  }
}
