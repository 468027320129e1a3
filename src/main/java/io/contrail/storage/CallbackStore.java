package io.contrail.storage;

import io.contrail.run.CallbackRequest;
import io.contrail.run.RunKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Callbacks waiting to run, recorded with the state change that called for them. A process claims
 * a few with a compare-and-set (a token and a lease, so two never run the same one and one whose
 * process died is claimed again when its lease ends), runs them and records that they ended.
 */
public interface CallbackStore {
  /** A claimed callback: its row id and what to run. */
  record Claimed(long id, CallbackRequest request) {}

  /** Claims up to {@code limit} callbacks for {@code lease}, oldest first. */
  List<Claimed> claim(String token, int limit, Instant now, Duration lease);

  /** The callback ended ({@code outcome} success, failed or skipped); false if the claim was lost. */
  boolean finished(long id, String token, String outcome, Instant now);

  /** Callbacks of these runs not ended yet. */
  int pending(Collection<RunKey> runs);
}
