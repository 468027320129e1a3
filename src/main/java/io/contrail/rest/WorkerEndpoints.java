package io.contrail.rest;

import io.contrail.storage.WorkerStore;
import io.contrail.storage.WorkerStore.WorkerInfo;
import io.contrail.worker.WorkerListing;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v2/contrail/workers} (Contrail only, in its own namespace): the distributed
 * workers as {@code contrail workers list --json} shows them — running ones and those ended within
 * the last hour, newest first — filtered by {@code state} (repeated), paged by {@code limit} and
 * {@code offset}. Any account may read it.
 */
final class WorkerEndpoints implements Routes.Group {
  private static final Map<String, String> STATES = Params.names(s -> s, WorkerListing.STATES.toArray(String[]::new));

  private final WorkerStore workers;
  private final Clock clock;
  private final Duration zombieThreshold;

  WorkerEndpoints(WorkerStore workers, Clock clock, Duration zombieThreshold) {
    this.workers = workers;
    this.clock = clock;
    this.zombieThreshold = zombieThreshold;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/contrail/workers", this::list);
  }

  private void list(Context ctx) {
    Params p = Params.of(ctx);
    int limit = p.limit();
    int offset = p.offset();
    Set<String> states = p.values("state", STATES);
    p.check();
    // the listing is bounded by the workers alive or ended within the hour, not by history
    List<WorkerInfo> matching = WorkerListing.list(workers, clock.instant(), zombieThreshold).stream()
        .filter(w -> states.isEmpty() || states.contains(w.state())).toList();
    List<Map<String, Object>> page = matching.stream().skip(offset).limit(limit).map(WorkerEndpoints::view).toList();
    Responses.json(ctx, Responses.collection("workers", page, matching.size()));
  }

  static Map<String, Object> view(WorkerInfo w) {
    return WorkerListing.view(w, Wire::time);
  }
}
