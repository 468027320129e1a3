package io.contrail.rest;

import io.contrail.operations.OperationException;
import io.contrail.operations.RunOperations;
import io.contrail.storage.DagQueries;
import io.contrail.storage.DagQueries.DagColumn;
import io.contrail.storage.DagStore;
import io.contrail.storage.Listing;
import io.contrail.storage.Page;
import io.contrail.storage.StoredDag;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v2/dags}: list (filtered, sorted and paged in SQL), one DAG, its details, pause and
 * unpause, delete (through {@link RunOperations}, as {@code contrail dags delete}).
 */
final class DagEndpoints implements Routes.Group {
  private static final Map<String, DagColumn> ORDER = Map.of("dag_id", DagColumn.DAG_ID,
      "dag_display_name", DagColumn.DAG_ID);

  private final DagStore dags;
  private final DagQueries queries;
  private final RunOperations operations;
  private final DagViews views;
  private final Lookups lookups;
  private final Clock clock;

  DagEndpoints(DagStore dags, DagQueries queries, RunOperations operations, DagViews views, Lookups lookups, Clock clock) {
    this.dags = dags;
    this.queries = queries;
    this.operations = operations;
    this.views = views;
    this.lookups = lookups;
    this.clock = clock;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/dags", this::list);
    routes.get("/api/v2/dags/{dag_id}", ctx -> Responses.json(ctx, one(lookups.dag(ctx), false)));
    routes.get("/api/v2/dags/{dag_id}/details", ctx -> Responses.json(ctx, one(lookups.dag(ctx), true)));
    routes.patch("/api/v2/dags/{dag_id}", this::patch);
    routes.delete("/api/v2/dags/{dag_id}", this::delete);
  }

  private void list(Context ctx) {
    Params p = Params.of(ctx);
    int limit = p.limit();
    int offset = p.offset();
    Boolean paused = p.bool("paused", null);
    boolean excludeStale = p.bool("exclude_stale", true);
    String mode = p.text("tags_match_mode");
    if (mode != null && !mode.equals("any") && !mode.equals("all")) {
      throw ApiException.invalid(List.of(new ValidationError(List.of("query", "tags_match_mode"),
          "Input should be 'any' or 'all'", "enum", mode, Map.of("expected", "'any' or 'all'"))));
    }
    Listing.Match dagId = p.pattern("dag_id_pattern");
    if (dagId.matchesEverything()) {
      dagId = p.pattern("dag_display_name_pattern"); // the display name is the id
    }
    List<Listing.Sort<DagColumn>> sort = p.orderBy(ORDER, "dag_id");
    p.check();
    Page<StoredDag> page = queries.dags(new DagQueries.DagQuery(limit, offset, sort, paused, excludeStale, dagId,
        p.list("tags"), "all".equals(mode)));
    Instant now = clock.instant();
    List<String> ids = page.items().stream().map(StoredDag::dagId).toList();
    Map<String, Instant> latest = queries.latestScheduledLogicalDates(ids);
    Set<String> broken = brokenFiles();
    List<Object> out = new ArrayList<>();
    for (StoredDag d : page.items()) {
      out.add(views.dag(d, new DagViews.Extras(latest.get(d.dagId()), broken.contains(d.dag().fileloc()), 0), now));
    }
    Responses.json(ctx, Responses.collection("dags", out, page.total()));
  }

  private Map<String, Object> one(StoredDag d, boolean details) {
    List<String> id = List.of(d.dagId());
    DagViews.Extras extras = new DagViews.Extras(queries.latestScheduledLogicalDates(id).get(d.dagId()),
        brokenFiles().contains(d.dag().fileloc()), queries.activeRunCounts(id).getOrDefault(d.dagId(), 0));
    return details ? views.details(d, extras, clock.instant()) : views.dag(d, extras, clock.instant());
  }

  /** Files with import errors now: a DAG loaded from one of them earlier has_import_errors. */
  private Set<String> brokenFiles() {
    Set<String> files = new HashSet<>();
    dags.importErrors().forEach(e -> files.add(e.file()));
    return files;
  }

  private void patch(Context ctx) {
    String dagId = Lookups.dagId(ctx);
    Params p = Params.of(ctx);
    List<String> mask = p.list("update_mask");
    if (!mask.isEmpty() && !mask.equals(List.of("is_paused"))) {
      throw ApiException.badRequest("Only `is_paused` field can be updated through the REST API");
    }
    Body body = Body.parse(ctx.bodyAsBytes(), Set.of("is_paused"));
    Boolean paused = body.bool("is_paused", true);
    body.check();
    if (!dags.setPaused(dagId, paused)) {
      throw Lookups.dagNotFound(dagId);
    }
    Responses.json(ctx, one(dags.find(dagId).orElseThrow(() -> Lookups.dagNotFound(dagId)), false));
  }

  private void delete(Context ctx) {
    String dagId = Lookups.dagId(ctx);
    if (dags.find(dagId).isEmpty()) {
      throw ApiException.notFound("Dag with id: " + dagId + " was not found");
    }
    try {
      operations.deleteDag(dagId);
    } catch (OperationException e) {
      if (e.kind() == OperationException.Kind.CONFLICT) {
        throw ApiException.conflict("Task instances of dag with id: '" + dagId + "' are still running");
      }
      throw e;
    }
    ctx.status(204);
  }
}
