package io.contrail.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a task waits for capacity: the pool it takes {@code poolSlots} slots of, and its own
 * priority weight (its effective priority adds the weights of everything downstream of it).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Queueing(String pool, int poolSlots, int priorityWeight) {
  public static final String DEFAULT_POOL = "default_pool";
  public static final Queueing DEFAULT = new Queueing(DEFAULT_POOL, 1, 1);

  public Queueing {
    pool = pool == null ? DEFAULT_POOL : pool;
    poolSlots = poolSlots <= 0 ? 1 : poolSlots;
    priorityWeight = priorityWeight <= 0 ? 1 : priorityWeight;
  }
}
