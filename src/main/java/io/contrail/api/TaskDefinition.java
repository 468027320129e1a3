package io.contrail.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One task of a DAG as written by the user: what it does ({@link TaskSpec}), its upstream tasks
 * and trigger rule, how it is retried, how it waits for capacity, and how long a try may take.
 * Built with {@link #builder}, or read from YAML by the DAG parser.
 *
 * @param executionTimeout the longest a try may run, or null for no limit
 * @param callbacks what runs when a try succeeds, fails or is retried
 */
@JsonSerialize(using = TaskDefinitionJson.Writer.class)
@JsonDeserialize(using = TaskDefinitionJson.Reader.class)
public record TaskDefinition(
    String taskId,
    TaskSpec spec,
    List<String> dependsOn,
    TriggerRule triggerRule,
    RetryPolicy retry,
    Queueing queueing,
    Duration executionTimeout,
    Callbacks callbacks) {

  public TaskDefinition {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(spec, "spec of task " + taskId);
    dependsOn = List.copyOf(dependsOn == null ? List.of() : dependsOn);
    triggerRule = triggerRule == null ? TriggerRule.ALL_SUCCESS : triggerRule;
    retry = retry == null ? RetryPolicy.NONE : retry;
    queueing = queueing == null ? Queueing.DEFAULT : queueing;
    callbacks = callbacks == null ? Callbacks.NONE : callbacks;
  }

  public TaskDefinition(String taskId, TaskSpec spec, List<String> dependsOn, TriggerRule triggerRule,
      RetryPolicy retry, Queueing queueing, Duration executionTimeout) {
    this(taskId, spec, dependsOn, triggerRule, retry, queueing, executionTimeout, Callbacks.NONE);
  }

  /** The task type's id (shell, http, noop, sleep, java). */
  public String type() {
    return spec.type();
  }

  /** Number of tries in all: the first one plus the retries. */
  public int maxTries() {
    return retry.retries() + 1;
  }

  /** Delay before try {@code nextTry} (2, 3, ...), see {@link RetryPolicy#delayBefore}. */
  public Duration retryDelayBefore(int nextTry) {
    return retry.delayBefore(nextTry);
  }

  /** A task doing {@code spec}, all else at its defaults until the builder says otherwise. */
  public static Builder builder(String taskId, TaskSpec spec) {
    return new Builder(taskId, spec);
  }

  /** Fluent construction of a {@link TaskDefinition}, as Java DAGs and the YAML parser use it. */
  public static final class Builder {
    private final String taskId;
    private final TaskSpec spec;
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
    private String queue;
    private Callbacks callbacks = Callbacks.NONE;

    private Builder(String taskId, TaskSpec spec) {
      this.taskId = taskId;
      this.spec = spec;
    }

    public Builder dependsOn(String... upstream) {
      this.dependsOn = List.of(upstream);
      return this;
    }

    public Builder triggerRule(TriggerRule rule) {
      this.triggerRule = rule;
      return this;
    }

    public Builder retries(int n) {
      this.retries = n;
      return this;
    }

    public Builder retryDelay(Duration delay) {
      this.retryDelay = delay;
      return this;
    }

    public Builder retryExponentialBackoff(boolean on) {
      this.exponential = on;
      return this;
    }

    public Builder maxRetryDelay(Duration max) {
      this.maxRetryDelay = max;
      return this;
    }

    public Builder executionTimeout(Duration timeout) {
      this.executionTimeout = timeout;
      return this;
    }

    public Builder pool(String name) {
      this.pool = name;
      return this;
    }

    public Builder poolSlots(int slots) {
      this.poolSlots = slots;
      return this;
    }

    public Builder priorityWeight(int weight) {
      this.priorityWeight = weight;
      return this;
    }

    /** The queue whose workers take the task with {@code executor = distributed} (default: {@code default}). */
    public Builder queue(String name) {
      this.queue = name;
      return this;
    }

    /** Runs {@code callback} when a try of the task succeeds, fails for good or is retried ({@code kind}). */
    public Builder callback(CallbackKind kind, Callback callback) {
      this.callbacks = callbacks.with(kind, callback);
      return this;
    }

    public Builder callbacks(Callbacks all) {
      this.callbacks = all == null ? Callbacks.NONE : all;
      return this;
    }

    public TaskDefinition build() {
      return new TaskDefinition(taskId, spec, dependsOn, triggerRule,
          new RetryPolicy(retries, retryDelay, exponential, maxRetryDelay),
          new Queueing(pool, poolSlots, priorityWeight, queue), executionTimeout, callbacks);
    }
  }
}
