package io.contrail.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static Instant t(String s) {
    return Instant.parse(s);
  }

  private static DataInterval iv(String start, String end) {
    return new DataInterval(t(start), t(end));
  }

  private final Schedule hourly = Schedule.parse("@hourly");
  private final Instant start = t("2026-01-01T00:00:00Z");

  @Test
  void hourlyCatchupYieldsEveryCompleteIntervalOldestFirst() {
    List<DataInterval> due = hourly.dueIntervals(start, true, null, t("2026-01-01T03:20:00Z"), 100);
    assertThat(due).containsExactly(
        iv("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"),
        iv("2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"),
        iv("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
    assertThat(due.get(0).logicalDate()).isEqualTo(start);
  }

  @Test
  void catchupIsBoundedByLimit() {
    assertThat(hourly.dueIntervals(start, true, null, t("2026-02-01T00:00:00Z"), 2))
        .containsExactly(
            iv("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"),
            iv("2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"));
  }

  @Test
  void withoutCatchupOnlyTheLatestDueInterval() {
    assertThat(hourly.dueIntervals(start, false, null, t("2026-01-01T03:20:00Z"), 100))
        .containsExactly(iv("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
    // exactly on a tick: the interval ending now is due
    assertThat(hourly.dueIntervals(start, false, null, t("2026-01-01T03:00:00Z"), 100))
        .containsExactly(iv("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
  }

  @Test
  void withoutCatchupNothingWhenLatestAlreadyCreated() {
    assertThat(hourly.dueIntervals(start, false, t("2026-01-01T02:00:00Z"),
        t("2026-01-01T03:20:00Z"), 100)).isEmpty();
    assertThat(hourly.dueIntervals(start, false, t("2026-01-01T00:00:00Z"),
        t("2026-01-01T03:20:00Z"), 100))
        .containsExactly(iv("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
  }

  @Test
  void nothingDueBeforeTheFirstIntervalEnds() {
    assertThat(hourly.dueIntervals(start, true, null, t("2026-01-01T00:59:59.999Z"), 100)).isEmpty();
    assertThat(hourly.dueIntervals(start, false, null, t("2026-01-01T00:59:59Z"), 100)).isEmpty();
    assertThat(hourly.dueIntervals(start, true, null, t("2025-12-31T00:00:00Z"), 100)).isEmpty();
    assertThat(hourly.dueIntervals(start, true, null, t("2026-01-01T01:00:00Z"), 100))
        .containsExactly(iv("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"));
  }

  @Test
  void startDateOffTickAlignsToTheNextTick() {
    Instant offTick = t("2026-01-01T00:30:00Z");
    assertThat(hourly.firstInterval(offTick))
        .contains(iv("2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"));
    assertThat(hourly.dueIntervals(offTick, true, null, t("2026-01-01T01:59:00Z"), 10)).isEmpty();
    assertThat(hourly.dueIntervals(offTick, true, null, t("2026-01-01T03:00:00Z"), 10))
        .containsExactly(
            iv("2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"),
            iv("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
  }

  @Test
  void lastLogicalDateExcludesAlreadyCreatedIntervals() {
    assertThat(hourly.dueIntervals(start, true, t("2026-01-01T01:00:00Z"),
        t("2026-01-01T03:20:00Z"), 100))
        .containsExactly(iv("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"));
    assertThat(hourly.dueIntervals(start, true, t("2026-01-01T02:00:00Z"),
        t("2026-01-01T03:20:00Z"), 100)).isEmpty();
  }

  @Test
  void cronExpressionDailyAtSixThirty() {
    Schedule s = Schedule.parse("30 6 * * *");
    assertThat(s.expression()).isEqualTo("30 6 * * *");
    assertThat(s.isManualOnly()).isFalse();
    assertThat(s.firstInterval(start))
        .contains(iv("2026-01-01T06:30:00Z", "2026-01-02T06:30:00Z"));
    assertThat(s.dueIntervals(start, true, null, t("2026-01-03T07:00:00Z"), 10))
        .containsExactly(
            iv("2026-01-01T06:30:00Z", "2026-01-02T06:30:00Z"),
            iv("2026-01-02T06:30:00Z", "2026-01-03T06:30:00Z"));
  }

  @Test
  void presetsMapToCron() {
    assertThat(((CronSchedule) Schedule.parse("@daily")).cron()).isEqualTo("0 0 * * *");
    assertThat(((CronSchedule) Schedule.parse("@weekly")).cron()).isEqualTo("0 0 * * 0");
    assertThat(Schedule.parse("@weekly").firstInterval(start)) // 2026-01-01 is a Thursday
        .contains(iv("2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"));
    assertThat(Schedule.parse("@monthly").firstInterval(t("2026-01-15T00:00:00Z")))
        .contains(iv("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"));
    assertThat(Schedule.parse("@yearly").firstInterval(start))
        .contains(iv("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    assertThat(Schedule.parse("@daily").expression()).isEqualTo("@daily");
  }

  @Test
  void once() {
    Schedule once = Schedule.parse("@once");
    assertThat(once).isInstanceOf(OnceSchedule.class);
    assertThat(once.isManualOnly()).isFalse();
    assertThat(once.expression()).isEqualTo("@once");
    assertThat(once.dueIntervals(start, true, null, t("2025-12-31T23:59:59Z"), 10)).isEmpty();
    assertThat(once.dueIntervals(start, false, null, start, 10))
        .containsExactly(new DataInterval(start, start));
    assertThat(once.dueIntervals(start, true, start, t("2026-06-01T00:00:00Z"), 10)).isEmpty();
    assertThat(once.nextRunAfter(start, null, t("2025-12-01T00:00:00Z"))).contains(start);
    assertThat(once.nextRunAfter(start, start, t("2025-12-01T00:00:00Z"))).isEmpty();
    assertThat(once.intervalsBetween(start, t("2025-01-01T00:00:00Z"), start))
        .containsExactly(new DataInterval(start, start));
    assertThat(once.intervalsBetween(start, t("2026-01-02T00:00:00Z"), t("2026-02-01T00:00:00Z")))
        .isEmpty();
  }

  @Test
  void manual() {
    for (String expr : new String[] {null, "", "  "}) {
      Schedule s = Schedule.parse(expr);
      assertThat(s.isManualOnly()).isTrue();
      assertThat(s.expression()).isEqualTo("null");
      assertThat(s.firstInterval(start)).isEmpty();
      assertThat(s.dueIntervals(start, true, null, t("2030-01-01T00:00:00Z"), 10)).isEmpty();
      assertThat(s.nextRunAfter(start, null, start)).isEmpty();
      assertThatThrownBy(() -> s.intervalsBetween(start, start, t("2026-02-01T00:00:00Z")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no schedule to backfill");
    }
  }

  @Test
  void invalidExpressionsNameTheExpressionAndReason() {
    assertThatThrownBy(() -> Schedule.parse("61 * * * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'61 * * * *'")
        .hasMessageContaining("61");
    assertThatThrownBy(() -> Schedule.parse("* * * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'* * * *'")
        .hasMessageContaining("5 fields");
    assertThatThrownBy(() -> Schedule.parse("0 0 * * * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0 0 * * * *'");
    assertThatThrownBy(() -> Schedule.parse("@fortnightly"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'@fortnightly'")
        .hasMessageContaining("unknown preset");
    assertThatThrownBy(() -> Schedule.parse("0 0 30 2 *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'0 0 30 2 *'")
        .hasMessageContaining("never fires");
  }

  @Test
  void backfillRangeIsInclusive() {
    Schedule daily = Schedule.parse("@daily");
    assertThat(daily.intervalsBetween(start, t("2026-01-02T00:00:00Z"), t("2026-01-04T00:00:00Z")))
        .containsExactly(
            iv("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"),
            iv("2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"),
            iv("2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z"));
    // off-tick bounds; range is clamped to the start date
    assertThat(daily.intervalsBetween(start, t("2025-12-01T12:00:00Z"), t("2026-01-02T12:00:00Z")))
        .containsExactly(
            iv("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
            iv("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"));
    assertThat(daily.intervalsBetween(start, t("2026-01-02T01:00:00Z"), t("2026-01-02T23:00:00Z")))
        .isEmpty();
  }

  @Test
  void backfillRejectsReversedAndHugeRanges() {
    assertThatThrownBy(() -> hourly.intervalsBetween(start, t("2026-02-01T00:00:00Z"), start))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after its end");
    Schedule everyMinute = Schedule.parse("* * * * *");
    assertThatThrownBy(() -> everyMinute.intervalsBetween(start, start, t("2027-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than 100000 intervals");
  }

  @Test
  void nextRunAfter() {
    Instant now = t("2026-01-01T03:20:00Z");
    assertThat(hourly.nextRunAfter(start, t("2026-01-01T02:00:00Z"), now))
        .contains(t("2026-01-01T04:00:00Z"));
    assertThat(hourly.nextRunAfter(start, null, t("2025-06-01T00:00:00Z")))
        .contains(t("2026-01-01T01:00:00Z"));
    assertThat(hourly.nextRunAfter(start, t("2026-01-01T05:00:00Z"), now))
        .contains(t("2026-01-01T07:00:00Z"));
  }

  @Test
  void dataIntervalRejectsEndBeforeStart() {
    assertThatThrownBy(() -> iv("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
