package io.contrail.run;

/** Where one try ran: the executor, the host and the task's process (shell tasks) there. */
public record Placement(String executor, String hostname, Long pid) {}
