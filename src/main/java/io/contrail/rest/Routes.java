package io.contrail.rest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where endpoint groups register their operations, and the list of what was registered: the
 * server's routes are exactly this list, and a test holds it against the OpenAPI document.
 */
public final class Routes {
  /** One operation: method (upper case) and path template ({@code /api/v2/dags/{dag_id}}). */
  public record Route(String method, String path) {}

  /** A group of related operations (DAGs, runs, pools ...). */
  public interface Group {
    void routes(Routes routes);
  }

  private final RoutesConfig javalin;
  private final List<Route> registered = new ArrayList<>();

  Routes(RoutesConfig javalin) {
    this.javalin = javalin;
  }

  public void get(String path, Handler handler) {
    add(HandlerType.GET, path, handler);
  }

  public void post(String path, Handler handler) {
    add(HandlerType.POST, path, handler);
  }

  public void patch(String path, Handler handler) {
    add(HandlerType.PATCH, path, handler);
  }

  public void delete(String path, Handler handler) {
    add(HandlerType.DELETE, path, handler);
  }

  private void add(HandlerType method, String path, Handler handler) {
    javalin.addHttpHandler(method, path, handler);
    registered.add(new Route(method.name().toUpperCase(java.util.Locale.ROOT), path));
  }

  public List<Route> registered() {
    return List.copyOf(registered);
  }
}
