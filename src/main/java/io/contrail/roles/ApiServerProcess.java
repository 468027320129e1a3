package io.contrail.roles;

import io.contrail.config.Environment;
import io.contrail.rest.RestApi;
import java.io.PrintStream;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;

/**
 * The root of the {@code api-server} role — the REST API alone, as Airflow 3's {@code airflow
 * api-server}, on the same database as the schedulers — and the REST API's part in
 * {@code standalone}: it starts the API of a process and says where it is and how to log in.
 */
public final class ApiServerProcess {
  private ApiServerProcess() {}

  /** Runs the role until SIGTERM or SIGINT; returns its exit code. */
  public static int run(Environment env, Integer port, PrintStream out) throws InterruptedException {
    try (Contrail contrail = Contrail.start(Role.API_SERVER, env);
        RestApi.Started api = start(contrail, port)) {
      out.printf("Contrail api-server%n  home:      %s%n  database:  %s%n", contrail.config().home(),
          contrail.database().url());
      api.banner().forEach(line -> out.println("  " + line));
      out.println("Press Ctrl+C to stop.");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Signals.onTerminate(stop::countDown);
      stop.await();
    }
    return 0;
  }

  /** The process's REST API on [api] host and port ({@code port} overrides the port when not null). */
  static RestApi.Started start(Contrail contrail, Integer port) {
    try {
      return RestApi.start(new RestApi.Deps(contrail.config(), contrail.otel(), contrail.database(),
          contrail.stores(), contrail.runCreator(), contrail.operations(), contrail.clock(), contrail.tracer(), contrail.masker()),
          port);
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          // keeps the BindException as its cause: the CLI reports a taken port as the environment's fault (exit 3)
          throw new IllegalStateException("[api] cannot listen on " + contrail.config().api().host() + ":"
              + (port == null ? contrail.config().api().port() : port) + ": " + t.getMessage()
              + " (another process uses the port? set [api] port)", e);
        }
      }
      throw e;
    }
  }
}
