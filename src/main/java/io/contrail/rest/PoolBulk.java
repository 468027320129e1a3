package io.contrail.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.storage.PoolAdmin;
import io.contrail.storage.PoolAdmin.PoolRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Airflow's bulk {@code PATCH /api/v2/pools}: {@code {"actions": [create | update | delete ...]}},
 * applied in order. A malformed body is a 422 before anything changes; a pool that exists (create)
 * or does not (update, delete) is an entry in that action's {@code errors} — unless
 * {@code action_on_existence} says {@code skip} or {@code overwrite}, or
 * {@code action_on_non_existence} says {@code skip} — and the answer is 200 either way.
 */
final class PoolBulk {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> CREATE = Set.of("action", "entities", "action_on_existence");
  private static final Set<String> UPDATE = Set.of("action", "entities", "update_mask", "action_on_non_existence");
  private static final Set<String> DELETE = Set.of("action", "entities", "action_on_non_existence");

  private final PoolAdmin pools;
  private final Map<String, Result> results = new LinkedHashMap<>();

  PoolBulk(PoolAdmin pools) {
    this.pools = pools;
  }

  /** One action type's outcome: the pools done, and one error per pool that was not. */
  private static final class Result {
    final List<String> success = new ArrayList<>();
    final List<Map<String, Object>> errors = new ArrayList<>();

    void error(String message, int status) {
      errors.add(Map.of("error", message, "status_code", status));
    }

    Map<String, Object> json() {
      return Map.of("success", success, "errors", errors);
    }
  }

  private record Action(String kind, List<PoolRow> pools, List<String> names, String onConflict, List<String> mask) {}

  Map<String, Object> apply(byte[] bytes) {
    Body.parse(bytes, Set.of("actions")); // UTF-8, JSON, an object with "actions" only
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e); // parsed above
    }
    Body top = Body.nested(root, List.of("body"), Set.of("actions"));
    JsonNode actions = top.node("actions");
    if (!root.has("actions")) {
      top.error("actions", "missing", "Field required");
    } else if (actions == null || !actions.isArray()) {
      top.error("actions", "list_type", "Input should be a valid list");
    }
    top.check();
    List<Action> parsed = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      parsed.add(parse(actions.get(i), List.of("body", "actions", i)));
    }
    for (Action a : parsed) {
      Result r = results.computeIfAbsent(a.kind(), k -> new Result());
      switch (a.kind()) {
        case "create" -> create(a, r);
        case "update" -> update(a, r);
        default -> delete(a, r);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String kind : List.of("create", "update", "delete")) {
      Result r = results.get(kind);
      out.put(kind, r == null ? null : r.json());
    }
    return out;
  }

  private static Action parse(JsonNode node, List<Object> at) {
    JsonNode kindNode = node.get("action");
    String kind = kindNode != null && kindNode.isTextual() ? kindNode.textValue() : null;
    if (kind == null || !List.of("create", "update", "delete").contains(kind)) {
      throw ApiException.invalid(List.of(new ValidationError(append(at, "action"),
          "Input tag '" + kind + "' found using 'action' does not match any of the expected tags: 'create', 'update',"
              + " 'delete'", "union_tag_invalid", kind, null)));
    }
    Body body = Body.nested(node, at, kind.equals("create") ? CREATE : kind.equals("update") ? UPDATE : DELETE);
    JsonNode entities = body.node("entities");
    if (!node.has("entities")) {
      body.error("entities", "missing", "Field required");
    } else if (entities == null || !entities.isArray()) {
      body.error("entities", "list_type", "Input should be a valid list");
    }
    String onConflictKey = kind.equals("create") ? "action_on_existence" : "action_on_non_existence";
    String onConflict = body.string(onConflictKey, false, 20);
    List<String> allowed = kind.equals("create") ? List.of("fail", "skip", "overwrite") : List.of("fail", "skip");
    if (body.isNull(onConflictKey) || onConflict != null && !allowed.contains(onConflict)) {
      body.error(kind.equals("create") ? "action_on_existence" : "action_on_non_existence", "enum",
          "Input should be " + String.join(", ", allowed));
    }
    List<String> mask = new ArrayList<>();
    JsonNode maskNode = body.node("update_mask");
    if (maskNode != null) {
      if (!maskNode.isArray()) {
        body.error("update_mask", "list_type", "Input should be a valid list");
      } else {
        maskNode.forEach(m -> mask.add(m.asText()));
      }
    }
    body.check();
    List<PoolRow> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Object> entitiesAt = append(at, "entities");
    for (int i = 0; i < entities.size(); i++) {
      JsonNode e = entities.get(i);
      if (kind.equals("delete")) {
        String name = PoolEndpoints.entityName(e);
        if (name == null) {
          throw ApiException.invalid(List.of(new ValidationError(append(entitiesAt, i),
              "Input should be a valid string or a pool with a name", "string_type", null, null)));
        }
        names.add(name);
      } else {
        rows.add(PoolEndpoints.poolBody(Body.nested(e, append(entitiesAt, i), Set.of("name", "slots", "description",
            "include_deferred", "team_name"))));
      }
    }
    return new Action(kind, rows, names, onConflict == null ? "fail" : onConflict, mask);
  }

  private static List<Object> append(List<Object> at, Object more) {
    List<Object> l = new ArrayList<>(at);
    l.add(more);
    return l;
  }

  private void create(Action a, Result r) {
    for (PoolRow p : a.pools()) {
      if (pools.create(p)) {
        r.success.add(p.name());
      } else if (a.onConflict().equals("overwrite")) {
        pools.update(p);
        r.success.add(p.name());
      } else if (a.onConflict().equals("fail")) {
        r.error("The pool with name: '" + p.name() + "' already exists", 409);
      }
    }
  }

  private void update(Action a, Result r) {
    for (PoolRow p : a.pools()) {
      Optional<PoolRow> current = pools.pool(p.name());
      if (current.isEmpty()) {
        if (a.onConflict().equals("fail")) {
          r.error("The pool with name: '" + p.name() + "' was not found", 404);
        }
        continue;
      }
      PoolRow c = current.get();
      List<String> mask = a.mask();
      PoolRow next = PoolRow.defined(p.name(), mask.isEmpty() || mask.contains("slots") ? p.slots() : c.slots(),
          mask.isEmpty() || mask.contains("description") ? p.description() : c.description(),
          mask.isEmpty() || mask.contains("include_deferred") ? p.includeDeferred() : c.includeDeferred());
      if (p.name().equals(PoolEndpoints.DEFAULT_POOL) && !java.util.Objects.equals(next.description(), c.description())) {
        r.error("Only slots and included_deferred can be modified on Default Pool", 400);
      } else if (pools.update(next)) {
        r.success.add(p.name());
      } else if (a.onConflict().equals("fail")) {
        r.error("The pool with name: '" + p.name() + "' was not found", 404);
      }
    }
  }

  private void delete(Action a, Result r) {
    for (String name : a.names()) {
      if (name.equals(PoolEndpoints.DEFAULT_POOL)) {
        r.error("Default Pool can't be deleted", 400);
      } else if (Ids.isPoolName(name) && pools.delete(name)) {
        r.success.add(name);
      } else if (a.onConflict().equals("fail")) {
        r.error("The pool with name: '" + Ids.printable(name) + "' was not found", 404);
      }
    }
  }
}
