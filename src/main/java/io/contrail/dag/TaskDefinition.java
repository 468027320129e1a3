package io.contrail.dag;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of a DAG as written by the user: what to run, its upstream tasks and how it is retried.
 * Type-specific fields (command, url, duration, className ...) are null for the other types.
 */
public record TaskDefinition(
    String taskId,
    TaskType type,
    List<String> dependsOn,
    TriggerRule triggerRule,
    int retries,
    Duration retryDelay,
    boolean retryExponentialBackoff,
    Duration maxRetryDelay,
    Duration executionTimeout,
    String pool,
    int poolSlots,
    int priorityWeight,
    Map<String, String> env,
    String command,
    String method,
    String url,
    Map<String, String> headers,
    String body,
    List<Integer> expectStatus,
    Duration duration,
    String className) {

  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMinutes(5);
  public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofHours(24);
  public static final String DEFAULT_POOL = "default_pool";

  public TaskDefinition {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(type, "type");
    dependsOn = List.copyOf(dependsOn == null ? List.of() : dependsOn);
    triggerRule = triggerRule == null ? TriggerRule.ALL_SUCCESS : triggerRule;
    retryDelay = retryDelay == null ? DEFAULT_RETRY_DELAY : retryDelay;
    maxRetryDelay = maxRetryDelay == null ? DEFAULT_MAX_RETRY_DELAY : maxRetryDelay;
    pool = pool == null ? DEFAULT_POOL : pool;
    poolSlots = poolSlots <= 0 ? 1 : poolSlots;
    priorityWeight = priorityWeight <= 0 ? 1 : priorityWeight;
    env = Map.copyOf(env == null ? Map.of() : env);
    headers = Map.copyOf(headers == null ? Map.of() : headers);
    expectStatus = expectStatus == null || expectStatus.isEmpty() ? List.of(200) : List.copyOf(expectStatus);
  }

  /** Number of tries in all: the first one plus the retries. */
  public int maxTries() {
    return retries + 1;
  }

  /**
   * Delay before try {@code nextTry} (2, 3, ...): retry_delay, doubled for every earlier retry when
   * retry_exponential_backoff is on, capped at max_retry_delay.
   */
  public Duration retryDelayBefore(int nextTry) {
    if (!retryExponentialBackoff) {
      return retryDelay;
    }
    int doublings = Math.max(0, Math.min(nextTry - 2, 30));
    Duration d = retryDelay.multipliedBy(1L << doublings);
    return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
  }

  /** A minimal task of the given type; the builder of the Java API. */
  public static Builder builder(String taskId, TaskType type) {
    return new Builder(taskId, type);
  }

  /** Fluent construction of a {@link TaskDefinition} for DAGs written in Java. */
  public static final class Builder {
    private final String taskId;
    private final TaskType type;
    private List<String> dependsOn = List.of();
    private TriggerRule triggerRule = TriggerRule.ALL_SUCCESS;
    private int retries;
    private Duration retryDelay;
    private boolean exponential;
    private Duration maxRetryDelay;
    private Duration executionTimeout;
    private String pool;
    private int poolSlots = 1;
    private int priorityWeight = 1;
    private Map<String, String> env = Map.of();
    private String command;
    private String method;
    private String url;
    private Map<String, String> headers = Map.of();
    private String body;
    private List<Integer> expectStatus = List.of(200);
    private Duration duration;
    private String className;

    private Builder(String taskId, TaskType type) {
      this.taskId = taskId;
      this.type = type;
    }

    public Builder dependsOn(String... upstream) { this.dependsOn = List.of(upstream); return this; }
    public Builder triggerRule(TriggerRule rule) { this.triggerRule = rule; return this; }
    public Builder retries(int retries) { this.retries = retries; return this; }
    public Builder retryDelay(Duration delay) { this.retryDelay = delay; return this; }
    public Builder retryExponentialBackoff(boolean on) { this.exponential = on; return this; }
    public Builder maxRetryDelay(Duration max) { this.maxRetryDelay = max; return this; }
    public Builder executionTimeout(Duration timeout) { this.executionTimeout = timeout; return this; }
    public Builder pool(String pool) { this.pool = pool; return this; }
    public Builder poolSlots(int slots) { this.poolSlots = slots; return this; }
    public Builder priorityWeight(int weight) { this.priorityWeight = weight; return this; }
    public Builder env(Map<String, String> env) { this.env = env; return this; }
    public Builder command(String command) { this.command = command; return this; }
    public Builder method(String method) { this.method = method; return this; }
    public Builder url(String url) { this.url = url; return this; }
    public Builder headers(Map<String, String> headers) { this.headers = headers; return this; }
    public Builder body(String body) { this.body = body; return this; }
    public Builder expectStatus(List<Integer> codes) { this.expectStatus = codes; return this; }
    public Builder duration(Duration duration) { this.duration = duration; return this; }
    public Builder className(String className) { this.className = className; return this; }

    public TaskDefinition build() {
      return new TaskDefinition(taskId, type, dependsOn, triggerRule, retries, retryDelay, exponential,
          maxRetryDelay, executionTimeout, pool, poolSlots, priorityWeight, env, command, method, url,
          headers, body, expectStatus, duration, className);
    }
  }
}
