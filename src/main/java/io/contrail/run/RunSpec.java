package io.contrail.run;

import java.time.Instant;

/**
 * What a run was created to do, fixed when it is queued: how it came to be (its type and
 * {@link RunOrigin}), its logical date, the data interval it covers (null for a bare manual run) and
 * its configuration as a JSON object text (null for none).
 */
public record RunSpec(RunType type, Instant logicalDate, Instant dataIntervalStart,
    Instant dataIntervalEnd, String conf, RunOrigin origin) {

  public RunSpec {
    origin = origin == null ? RunOrigin.of(type) : origin;
  }

  /** A run whose origin is its type's default ({@link RunOrigin#of}). */
  public RunSpec(RunType type, Instant logicalDate, Instant dataIntervalStart, Instant dataIntervalEnd, String conf) {
    this(type, logicalDate, dataIntervalStart, dataIntervalEnd, conf, null);
  }
}
