package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.rest.ApiException;
import io.contrail.storage.DagQueries;
import io.contrail.storage.Listing;
import io.contrail.storage.Page;
import io.contrail.storage.PoolAdmin;
import io.contrail.storage.Stores;
import java.util.ArrayList;
import java.util.List;

/** {@code /import-errors} (DAG files that did not load) and {@code /pools} (slots editable by admins and ops). */
final class AdminPages {
  private final DagQueries queries;
  private final PoolAdmin pools;

  AdminPages(WebUi.Deps deps) {
    this.queries = Stores.dagQueries(deps.database());
    this.pools = Stores.poolAdmin(deps.database());
  }

  void importErrors(WebUi.Req r) {
    Page<DagQueries.StoredImportError> page = queries.importErrors(100, 0,
        List.of(new Listing.Sort<>(DagQueries.ImportErrorColumn.FILENAME, false)), Listing.Match.ANY);
    List<Html.Raw> rows = new ArrayList<>();
    for (DagQueries.StoredImportError e : page.items()) {
      rows.add(f("<tr><td><code>{}</code>{}</td><td>{}</td><td><pre class=\"error-text\">{}</pre></td></tr>", e.filename(),
          e.line() > 0 ? f(":{}", e.line()) : Html.EMPTY, Layout.time(e.timestamp()), e.message()));
    }
    Layout.page(r, "Import errors", f("<h1>Import errors <span class=\"muted\">({})</span></h1>{}", page.total(),
        rows.isEmpty() ? f("<p>Every DAG file loaded.</p>")
            : f("<div class=\"scroll\"><table><thead><tr><th>File</th><th>When</th><th>Error</th></tr></thead><tbody>{}"
                + "</tbody></table></div>", Html.join(rows))));
  }

  void pools(WebUi.Req r) {
    Page<PoolAdmin.PoolRow> page = pools.pools(100, 0, List.of(new Listing.Sort<>(PoolAdmin.PoolColumn.NAME, false)),
        Listing.Match.ANY);
    List<Html.Raw> rows = new ArrayList<>();
    for (PoolAdmin.PoolRow p : page.items()) {
      Html.Raw slots = !r.mayWrite() ? f("{}", p.slots() < 0 ? "unlimited" : p.slots())
          : f("<form method=\"post\" action=\"{}\" class=\"inline\">{}<input name=\"slots\" type=\"number\" min=\"-1\""
              + " value=\"{}\" aria-label=\"Slots of {}\" class=\"slots\"><button type=\"submit\">Save</button></form>",
              r.href("/pools/" + Html.seg(p.name())), Layout.csrf(r), p.slots(), p.name());
      rows.add(f("<tr data-pool=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", p.name(),
          p.name(), slots, p.runningSlots(), p.queuedSlots(), p.scheduledSlots(), p.description()));
    }
    Layout.page(r, "Pools", f("<h1>Pools</h1><p class=\"muted\">Slots -1: no limit.</p><div class=\"scroll\"><table>"
        + "<thead><tr><th>Pool</th><th>Slots</th><th>Running</th><th>Queued</th><th>Scheduled</th><th>Description</th>"
        + "</tr></thead><tbody>{}</tbody></table></div>", Html.join(rows)));
  }

  void poolSlots(WebUi.Req r) {
    String name = r.ctx().pathParam("pool");
    PoolAdmin.PoolRow p = pools.pool(name).orElseThrow(() -> ApiException.notFound("No pool '" + name + "'"));
    String text = r.ctx().formParam("slots");
    int slots;
    try {
      slots = Integer.parseInt(text == null ? "" : text.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Slots of pool '" + name + "' must be a whole number (-1: no limit), got '" + text + "'");
    }
    if (slots < -1) {
      throw ApiException.badRequest("Slots of pool '" + name + "' must be -1 (no limit) or more, got " + slots);
    }
    pools.update(PoolAdmin.PoolRow.defined(p.name(), slots, p.description(), p.includeDeferred()));
    r.ctx().redirect(r.href("/pools"));
  }
}
