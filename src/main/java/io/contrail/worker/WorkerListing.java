package io.contrail.worker;

import io.contrail.storage.WorkerStore;
import io.contrail.storage.WorkerStore.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The distributed workers as {@code contrail workers list}, {@code GET /api/v2/contrail/workers}
 * and the health endpoint show them: those whose job runs, and those that ended within the last
 * hour, newest first. A worker's state is what it reported ({@code running}, {@code stopping},
 * {@code stopped}) unless it is {@code lost}: declared dead by a scheduler, or silent — its job's
 * heartbeat older than {@code [scheduler] zombie_threshold_ms} — so that it will be declared dead
 * by the next scheduler that looks. The three views share this one rule.
 */
public final class WorkerListing {
  /** Stopped and lost workers stay listed this long after their end. */
  public static final Duration KEEP_ENDED = Duration.ofHours(1);
  /** Every state a listed worker can be in. */
  public static final List<String> STATES = List.of("running", "stopping", "stopped", "lost");

  private WorkerListing() {}

  /** The workers to show at {@code now}, with their state as seen now. */
  public static List<WorkerInfo> list(WorkerStore store, Instant now, Duration zombieThreshold) {
    return store.list(now.minus(KEEP_ENDED)).stream().map(w -> asSeen(w, now, zombieThreshold)).toList();
  }

  /** The worker with state {@code lost} when it still claims to work but its heartbeat is stale. */
  static WorkerInfo asSeen(WorkerInfo w, Instant now, Duration zombieThreshold) {
    boolean working = w.state().equals("running") || w.state().equals("stopping");
    boolean silent = w.latestHeartbeat() == null || w.latestHeartbeat().plus(zombieThreshold).isBefore(now);
    if (!working || !silent) {
      return w;
    }
    return new WorkerInfo(w.jobId(), w.hostname(), w.pid(), w.queues(), w.concurrency(), w.running(), "lost",
        w.latestHeartbeat(), w.startDate());
  }

  /**
   * The health endpoint's summary: {@code healthy} workers are those in state running (taking
   * work, heartbeat fresh); {@code latestHeartbeat} is the newest heartbeat of any listed worker.
   */
  public record Health(int healthy, int listed, Instant latestHeartbeat) {
    public static Health of(List<WorkerInfo> workers) {
      int healthy = (int) workers.stream().filter(w -> w.state().equals("running")).count();
      Instant latest = workers.stream().map(WorkerInfo::latestHeartbeat).filter(java.util.Objects::nonNull)
          .max(Instant::compareTo).orElse(null);
      return new Health(healthy, workers.size(), latest);
    }
  }

  /**
   * A worker as the CLI's {@code --json} and the API show it: the same fields in the same order,
   * the times written by {@code time} (each output's own time format).
   */
  public static Map<String, Object> view(WorkerInfo w, Function<Instant, Object> time) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_id", w.jobId());
    m.put("hostname", w.hostname());
    m.put("pid", w.pid());
    m.put("queues", w.queues());
    m.put("concurrency", w.concurrency());
    m.put("running", w.running());
    m.put("state", w.state());
    m.put("latest_heartbeat", w.latestHeartbeat() == null ? null : time.apply(w.latestHeartbeat()));
    m.put("start_date", w.startDate() == null ? null : time.apply(w.startDate()));
    return m;
  }
}
