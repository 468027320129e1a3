package io.contrail.api;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * What a Java task knows about the attempt it runs in. {@code log} writes to the attempt's log
 * file; {@code traceparent} names the attempt's span (W3C).
 */
public record TaskContext(String dagId, String runId, String taskId, int tryNumber,
    Instant logicalDate, Map<String, Object> conf, PrintStream log, String traceparent) {}
