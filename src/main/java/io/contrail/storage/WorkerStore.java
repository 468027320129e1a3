package io.contrail.storage;

import io.contrail.run.TaskInstance;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The queue of {@code executor = distributed}, as workers use it: claiming queued task instances
 * of their queues, and the worker rows {@code workers list} shows. A claim is a compare-and-set
 * like every other task instance write: it moves the row's owner from the job that queued it to
 * the claiming worker's job only while the row is still queued with that try and owner, and only
 * while the worker's job is running; rows another claim holds locked are skipped, so concurrent
 * workers get disjoint batches.
 */
public interface WorkerStore {
  /** What a worker serves and reported last, with its job's liveness. */
  record WorkerInfo(long jobId, String hostname, long pid, List<String> queues, int concurrency, int running,
      String state, Instant latestHeartbeat, Instant startDate) {}

  /** Records the worker of job {@code jobId}. */
  void register(long jobId, List<String> queues, int concurrency, Instant now);

  /** The worker's running count and state ({@code running}, {@code stopping}, {@code stopped}). */
  void report(long jobId, int running, String state, Instant now);

  /**
   * Up to {@code limit} queued task instances of these queues, highest priority weight first
   * (then oldest queued), now owned by job {@code jobId} on {@code hostname}; empty when the job
   * is not running.
   */
  List<TaskInstance> claim(long jobId, String hostname, Collection<String> queues, int limit);

  /** Workers, newest first: running ones, and those whose job ended at or after {@code stoppedSince}. */
  List<WorkerInfo> list(Instant stoppedSince);
}
