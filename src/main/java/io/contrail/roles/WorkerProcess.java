package io.contrail.roles;

import io.contrail.config.ConfigException;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.logserver.WorkerLogServer;
import io.contrail.storage.Stores;
import io.contrail.worker.Worker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The root of the {@code worker} role ({@code executor = distributed}): a {@link Worker} taking
 * queued tasks of its queues from the database, in the foreground until SIGTERM or SIGINT; on a
 * signal it stops claiming, lets running tasks finish within graceful_shutdown_timeout_ms and hands
 * the rest back.
 */
public final class WorkerProcess {
  private WorkerProcess() {}

  /**
   * Runs the role; returns its exit code.
   *
   * @param concurrency the --concurrency option, or 0 for [worker] concurrency
   * @param queues the --queues option, or null for [worker] queues
   */
  public static int run(Environment env, int concurrency, String queues, PrintStream out) {
    try (Contrail contrail = Contrail.start(Role.WORKER, env)) {
      ContrailConfig c = contrail.config();
      if (!Contrail.DISTRIBUTED.equals(c.core().executor())) {
        // a worker beside a scheduler that runs tasks itself would race it for every queued row
        throw new ConfigException("[core] executor is '" + c.core().executor() + "': a worker needs"
            + " executor = distributed on every scheduler and worker (CONTRAIL__CORE__EXECUTOR=distributed)");
      }
      List<String> queueNames = queues(queues == null ? c.worker().queues() : queues,
          queues == null ? "[worker] queues" : "--queues");
      int slots = concurrency > 0 ? concurrency : c.worker().concurrency();
      Worker worker = contrail.worker(new Worker.Settings(queueNames, slots,
          Duration.ofMillis(c.worker().pollIntervalMs()), Duration.ofMillis(c.scheduler().gracefulShutdownTimeoutMs()),
          contrail.hostname()));
      Signals.onTerminate(worker::requestStop);
      WorkerLogServer.advertisedHost(c.worker(), contrail.hostname()); // a bad address stops start-up before any claim
      long job = worker.start();
      try (WorkerLogServer.Started logServer = WorkerLogServer.start(c, contrail.hostname(),
          Stores.logServers(contrail.database()), job, java.time.Clock.systemUTC())) {
        out.printf("Contrail worker%n  job:         %d on %s%n  queues:      %s%n  concurrency: %d%n  database:    %s%n"
                + "  dags:        %s%n  logs:        %s%n  log server:  %s%n", job, contrail.hostname(),
            String.join(",", queueNames), slots, contrail.database().url(), c.core().dagsFolder(),
            c.logs().baseLogFolder(), logServer.banner());
        out.println("Press Ctrl+C to stop.");
        out.flush();
        worker.run();
      }
    }
    return 0;
  }

  private static List<String> queues(String text, String where) {
    try {
      return ContrailConfig.Worker.parseQueues(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }
}
