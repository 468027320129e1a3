package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a task waits for capacity: the pool it takes {@code poolSlots} slots of, its own
 * priority weight (its effective priority adds the weights of everything downstream of it), and
 * the queue whose workers take it with {@code executor = distributed} (as Airflow's Celery queues).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Queueing(String pool, int poolSlots, int priorityWeight, String queue) {
  public static final String DEFAULT_POOL = "default_pool";
  public static final String DEFAULT_QUEUE = "default";
  public static final Queueing DEFAULT = new Queueing(DEFAULT_POOL, 1, 1, DEFAULT_QUEUE);

  /** On the default queue. */
  public Queueing(String pool, int poolSlots, int priorityWeight) {
    this(pool, poolSlots, priorityWeight, DEFAULT_QUEUE);
  }

  public Queueing {
    pool = pool == null ? DEFAULT_POOL : pool;
    queue = queue == null ? DEFAULT_QUEUE : queue;
    poolSlots = poolSlots <= 0 ? 1 : poolSlots;
    priorityWeight = priorityWeight <= 0 ? 1 : priorityWeight;
  }
}
