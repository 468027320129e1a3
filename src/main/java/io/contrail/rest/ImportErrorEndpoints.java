package io.contrail.rest;

import io.contrail.storage.DagQueries;
import io.contrail.storage.DagQueries.ImportErrorColumn;
import io.contrail.storage.DagQueries.StoredImportError;
import io.contrail.storage.Listing;
import io.contrail.storage.Page;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v2/importErrors}: the DAG files that failed to load, with the file (relative to
 * dags_folder), the line and the parser's reason as {@code stack_trace}. An error keeps its id
 * while it stays unfixed.
 */
final class ImportErrorEndpoints implements Routes.Group {
  private static final Map<String, ImportErrorColumn> ORDER = Map.of("id", ImportErrorColumn.ID,
      "import_error_id", ImportErrorColumn.ID, "timestamp", ImportErrorColumn.TIMESTAMP,
      "filename", ImportErrorColumn.FILENAME, "bundle_name", ImportErrorColumn.ID,
      "stacktrace", ImportErrorColumn.MESSAGE);

  private final DagQueries queries;
  private final DagViews views;

  ImportErrorEndpoints(DagQueries queries, DagViews views) {
    this.queries = queries;
    this.views = views;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/importErrors", this::list);
    routes.get("/api/v2/importErrors/{import_error_id}", this::one);
  }

  private void list(Context ctx) {
    Params p = Params.of(ctx);
    int limit = p.limit();
    int offset = p.offset();
    List<Listing.Sort<ImportErrorColumn>> sort = p.orderBy(ORDER, "id");
    p.check();
    Page<StoredImportError> page = queries.importErrors(limit, offset, sort, p.pattern("filename_pattern"));
    Responses.json(ctx, Responses.collection("import_errors", page.items().stream().map(this::view).toList(),
        page.total()));
  }

  private void one(Context ctx) {
    String text = ctx.pathParam("import_error_id");
    long id;
    try {
      id = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(List.of(ValidationError.of("path", "import_error_id", "int_parsing",
          "Input should be a valid integer, unable to parse string as an integer", Ids.printable(text))));
    }
    StoredImportError e = queries.importError(id).orElseThrow(() ->
        ApiException.notFound("The ImportError with import_error_id: `" + id + "` was not found"));
    Responses.json(ctx, view(e));
  }

  private Map<String, Object> view(StoredImportError e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("import_error_id", e.id());
    m.put("timestamp", Wire.time(e.timestamp()));
    m.put("filename", views.relative(e.filename()));
    m.put("bundle_name", DagViews.BUNDLE);
    m.put("stack_trace", e.line() > 0 ? e.filename() + ", line " + e.line() + ": " + e.message()
        : e.filename() + ": " + e.message());
    return m;
  }
}
