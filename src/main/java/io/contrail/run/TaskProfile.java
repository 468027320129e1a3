package io.contrail.run;

/**
 * What a task instance copies from its task definition when the run is created: its task type
 * and the pool, slots and priority weight it is queued with.
 */
public record TaskProfile(String taskType, String pool, int poolSlots, int priorityWeight) {}
