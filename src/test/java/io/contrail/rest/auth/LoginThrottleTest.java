package io.contrail.rest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  /** A clock the test moves. */
  private static final class Manual extends Clock {
    Instant now = Instant.parse("2026-12-03T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final Manual clock = new Manual();
  private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(40), clock);

  @Test
  void anAddressThatFailedTheLimitWaitsUntilItsOldestFailureLeavesTheWindow() {
    throttle.failed("10.0.0.1");
    clock.now = clock.now.plusSeconds(10);
    throttle.failed("10.0.0.1");
    assertThat(throttle.waitFor("10.0.0.1")).isEmpty();
    throttle.failed("10.0.0.1");

    assertThat(throttle.waitFor("10.0.0.1")).hasValue(Duration.ofSeconds(30));
    assertThat(throttle.waitFor("10.0.0.2")).as("another address").isEmpty();
    clock.now = clock.now.plusSeconds(29);
    assertThat(throttle.waitFor("10.0.0.1")).hasValue(Duration.ofSeconds(1));
    clock.now = clock.now.plusSeconds(1);
    assertThat(throttle.waitFor("10.0.0.1")).as("the first failure left the window").isEmpty();
  }

  @Test
  void aSuccessfulLoginClearsTheCountAndZeroMeansNoLimit() {
    throttle.failed("10.0.0.1");
    throttle.failed("10.0.0.1");
    throttle.succeeded("10.0.0.1");
    throttle.failed("10.0.0.1");
    throttle.failed("10.0.0.1");
    assertThat(throttle.waitFor("10.0.0.1")).isEmpty();

    LoginThrottle off = new LoginThrottle(0, Duration.ofSeconds(40), clock);
    for (int i = 0; i < 100; i++) {
      off.failed("10.0.0.1");
    }
    assertThat(off.waitFor("10.0.0.1")).isEmpty();
  }

  @Test
  void theAddressesKeptAreBounded() {
    throttle.failed("first");
    throttle.failed("first");
    throttle.failed("first");
    for (int i = 0; i < LoginThrottle.MAX_ADDRESSES; i++) {
      throttle.failed("flood-" + i);
    }
    assertThat(throttle.waitFor("first")).as("forgotten: the least recently seen address").isEmpty();
  }
}
