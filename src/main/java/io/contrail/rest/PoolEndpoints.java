package io.contrail.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.storage.Listing;
import io.contrail.storage.Page;
import io.contrail.storage.PoolAdmin;
import io.contrail.storage.PoolAdmin.PoolColumn;
import io.contrail.storage.PoolAdmin.PoolRow;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v2/pools}: list, create, read, change (partially: only what the body or
 * {@code update_mask} names), delete, and Airflow's bulk PATCH. {@code default_pool} always exists
 * and keeps its name and description.
 */
final class PoolEndpoints implements Routes.Group {
  static final String DEFAULT_POOL = "default_pool";
  private static final Map<String, PoolColumn> ORDER = Map.of("id", PoolColumn.CREATED, "pool", PoolColumn.NAME,
      "name", PoolColumn.NAME);
  private static final Set<String> POOL_KEYS = Set.of("name", "slots", "description", "include_deferred", "team_name");
  private static final Set<String> PATCH_KEYS = Set.of("pool", "slots", "description", "include_deferred", "team_name");

  private final PoolAdmin pools;

  PoolEndpoints(PoolAdmin pools) {
    this.pools = pools;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/pools", this::list);
    routes.post("/api/v2/pools", this::create);
    routes.patch("/api/v2/pools", ctx -> Responses.json(ctx, new PoolBulk(pools).apply(ctx.bodyAsBytes())));
    routes.get("/api/v2/pools/{pool_name}", ctx -> Responses.json(ctx, view(find(ctx))));
    routes.patch("/api/v2/pools/{pool_name}", this::patch);
    routes.delete("/api/v2/pools/{pool_name}", this::delete);
  }

  static Map<String, Object> view(PoolRow p) {
    int occupied = p.runningSlots() + p.queuedSlots();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("slots", p.slots());
    m.put("description", p.description());
    m.put("include_deferred", p.includeDeferred());
    m.put("occupied_slots", occupied);
    m.put("running_slots", p.runningSlots());
    m.put("queued_slots", p.queuedSlots());
    m.put("scheduled_slots", p.scheduledSlots());
    m.put("open_slots", p.slots() < 0 ? -1 : p.slots() - occupied);
    m.put("deferred_slots", 0);
    m.put("team_name", null);
    return m;
  }

  private void list(Context ctx) {
    Params p = Params.of(ctx);
    int limit = p.limit();
    int offset = p.offset();
    List<Listing.Sort<PoolColumn>> sort = p.orderBy(ORDER, "id");
    p.check();
    Page<PoolRow> page = pools.pools(limit, offset, sort, p.pattern("pool_name_pattern"));
    Responses.json(ctx, Responses.collection("pools", page.items().stream().map(PoolEndpoints::view).toList(),
        page.total()));
  }

  private PoolRow find(Context ctx) {
    String name = ctx.pathParam("pool_name");
    if (!Ids.isPoolName(name)) {
      throw notFound(name);
    }
    return pools.pool(name).orElseThrow(() -> notFound(name));
  }

  static ApiException notFound(String name) {
    return ApiException.notFound("The Pool with name: `" + Ids.printable(name) + "` was not found");
  }

  /** A PoolBody (POST, bulk create and update): name and slots required, no team. */
  static PoolRow poolBody(Body body) {
    String name = body.string("name", true, 256);
    Long slots = body.integer("slots", true, -1);
    String description = body.string("description", false, 2000);
    Boolean deferred = body.bool("include_deferred", false);
    if (body.node("team_name") != null) {
      body.error("team_name", "value_error", "Value error, multi-team mode is not enabled");
    }
    if (name != null && !Ids.isPoolName(name)) {
      body.error("name", "string_pattern_mismatch", "String should match pattern '[A-Za-z0-9_.:+-]{1,250}'");
    }
    body.check();
    return PoolRow.defined(name, slots.intValue(), description, deferred != null && deferred);
  }

  static Body parsePoolBody(byte[] bytes) {
    return Body.parse(bytes, POOL_KEYS);
  }

  private void create(Context ctx) {
    PoolRow pool = poolBody(parsePoolBody(ctx.bodyAsBytes()));
    if (!pools.create(pool)) {
      throw ApiException.uniqueViolation("pool '" + pool.name() + "' already exists");
    }
    Responses.json(ctx, 201, view(pools.pool(pool.name()).orElseThrow(() -> notFound(pool.name()))));
  }

  private void patch(Context ctx) {
    PoolRow current = find(ctx);
    List<String> mask = Params.of(ctx).list("update_mask");
    Body body = Body.parse(ctx.bodyAsBytes(), PATCH_KEYS);
    String rename = body.string("pool", false, 256);
    Long slots = body.integer("slots", false, -1);
    String description = body.string("description", false, 2000);
    Boolean deferred = body.bool("include_deferred", false);
    if (body.node("team_name") != null) {
      body.error("team_name", "value_error", "Value error, multi-team mode is not enabled");
    }
    body.check();
    if (rename != null && !rename.equals(current.name())) {
      throw ApiException.badRequest("Invalid body, pool name from request body doesn't match uri parameter");
    }
    for (String field : mask) {
      if (!PATCH_KEYS.contains(field) && !field.equals("name")) {
        throw ApiException.badRequest("Invalid update_mask field: " + Ids.printable(field));
      }
    }
    boolean changeSlots = slots != null && (mask.isEmpty() || mask.contains("slots"));
    boolean changeDescription = body.has("description") && (mask.isEmpty() || mask.contains("description"));
    boolean changeDeferred = deferred != null && (mask.isEmpty() || mask.contains("include_deferred"));
    if (current.name().equals(DEFAULT_POOL) && changeDescription) {
      throw ApiException.badRequest("Only slots and included_deferred can be modified on Default Pool");
    }
    PoolRow next = PoolRow.defined(current.name(), changeSlots ? slots.intValue() : current.slots(),
        changeDescription ? description : current.description(), changeDeferred ? deferred : current.includeDeferred());
    if (!pools.update(next)) {
      throw notFound(current.name());
    }
    Responses.json(ctx, view(pools.pool(current.name()).orElseThrow(() -> notFound(current.name()))));
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("pool_name");
    if (DEFAULT_POOL.equals(name)) {
      throw ApiException.badRequest("Default Pool can't be deleted");
    }
    if (!Ids.isPoolName(name) || !pools.delete(name)) {
      throw notFound(name);
    }
    ctx.status(204);
  }

  /** The name of a bulk delete entity: a string, or an object with a name. */
  static String entityName(JsonNode entity) {
    if (entity.isTextual()) {
      return entity.textValue();
    }
    JsonNode name = entity.get("name");
    return name != null && name.isTextual() ? name.textValue() : null;
  }
}
