package io.contrail.run;

/**
 * What a task instance copies from its task definition when the run is created: its task type,
 * the pool, slots and priority weight it is queued with, and the queue whose workers take it.
 */
public record TaskProfile(String taskType, String pool, int poolSlots, int priorityWeight, String queue) {
  public static final String DEFAULT_QUEUE = "default";

  /** On the default queue. */
  public TaskProfile(String taskType, String pool, int poolSlots, int priorityWeight) {
    this(taskType, pool, poolSlots, priorityWeight, DEFAULT_QUEUE);
  }

  public TaskProfile {
    queue = queue == null ? DEFAULT_QUEUE : queue;
  }

  /**
   * Whether a try of this task writes no attempt log: a {@code noop} task runs no code, so, like
   * Airflow's EmptyOperator, it has no log (and costs no folder and file per try).
   */
  public boolean writesNoLog() {
    return "noop".equals(taskType);
  }
}
