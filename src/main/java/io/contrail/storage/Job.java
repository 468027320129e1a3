package io.contrail.storage;

import java.time.Instant;

/** A scheduler (or other long-running) process registered in the database, with its heartbeat. */
public record Job(long id, String jobType, String hostname, long pid, String state, Instant startDate,
    Instant endDate, Instant latestHeartbeat) {}
