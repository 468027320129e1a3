package io.contrail.rest.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Failed logins per client address, as Flask-AppBuilder's {@code AUTH_RATE_LIMIT} ("5 per 40
 * second") limits Airflow's login: once an address has failed {@code failures} times within
 * {@code window}, its next attempts are refused unchecked until the oldest of those failures leaves
 * the window — password guessing slows to a few tries a minute, and a flood of attempts no longer
 * costs a bcrypt check each. A successful login clears the address's count. The addresses kept are
 * bounded (the least recently seen are forgotten first), so a flood of addresses cannot grow it.
 */
public final class LoginThrottle {
  static final int MAX_ADDRESSES = 10_000;

  private final int failures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> byAddress = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  /** @param failures failed logins allowed per address within {@code window}; 0: no limit */
  public LoginThrottle(int failures, Duration window, Clock clock) {
    this.failures = failures;
    this.window = window;
    this.clock = clock;
  }

  /** How long {@code address} must wait before its next attempt is checked; empty when it may try now. */
  public synchronized Optional<Duration> waitFor(String address) {
    if (failures <= 0) {
      return Optional.empty();
    }
    Deque<Instant> recent = byAddress.get(address);
    if (recent == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    expire(recent, now);
    if (recent.size() < failures) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, recent.peekFirst().plus(window)));
  }

  public synchronized void failed(String address) {
    if (failures <= 0) {
      return;
    }
    Instant now = clock.instant();
    Deque<Instant> recent = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
    expire(recent, now);
    recent.addLast(now);
    while (recent.size() > failures) {
      recent.removeFirst();
    }
  }

  public synchronized void succeeded(String address) {
    byAddress.remove(address);
  }

  private void expire(Deque<Instant> recent, Instant now) {
    while (!recent.isEmpty() && !recent.peekFirst().plus(window).isAfter(now)) {
      recent.removeFirst();
    }
  }
}
