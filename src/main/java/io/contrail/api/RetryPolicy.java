package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;

/**
 * How a failed task is retried: {@code retries} more tries after the first, {@code retryDelay}
 * apart, doubled for every earlier retry with {@code retryExponentialBackoff}, capped at
 * {@code maxRetryDelay}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RetryPolicy(int retries, Duration retryDelay, boolean retryExponentialBackoff,
    Duration maxRetryDelay) {
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMinutes(5);
  public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofHours(24);
  public static final RetryPolicy NONE = new RetryPolicy(0, null, false, null);

  public RetryPolicy {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more, not " + retries);
    }
    retryDelay = retryDelay == null ? DEFAULT_RETRY_DELAY : retryDelay;
    maxRetryDelay = maxRetryDelay == null ? DEFAULT_MAX_RETRY_DELAY : maxRetryDelay;
  }

  /**
   * Delay before try {@code nextTry} (2, 3, ...): retry_delay, doubled for every earlier retry when
   * retry_exponential_backoff is on, capped at max_retry_delay.
   */
  public Duration delayBefore(int nextTry) {
    if (!retryExponentialBackoff) {
      return retryDelay;
    }
    int doublings = Math.max(0, Math.min(nextTry - 2, 30));
    Duration d = retryDelay.multipliedBy(1L << doublings);
    return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
  }
}
