package io.contrail.logserver;

import io.contrail.config.ConfigException;
import io.contrail.config.ContrailConfig;
import io.contrail.storage.LogServerDirectory;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a worker's {@link LogServer} from {@code [worker] log_server_*} and records its address on
 * the worker's row. A port that is taken does not stop the worker: it runs its tasks all the same,
 * says so, and its logs can then be read on its own machine only.
 */
public final class WorkerLogServer {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLogServer.class);

  private WorkerLogServer() {}

  /** What was started: the server (null when off or not started) and a line for the banner. */
  public record Started(LogServer server, String banner) implements AutoCloseable {
    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }

  /** The advertised host: {@code [worker] log_server_host}, else this machine's hostname. */
  public static String advertisedHost(ContrailConfig.Worker worker, String hostname) {
    String host = worker.logServerHost().strip();
    if (host.isEmpty()) {
      return hostname;
    }
    if (!host.matches("[A-Za-z0-9.-]{1,250}|\\[?[0-9A-Fa-f:.]{2,45}]?")) {
      throw new ConfigException("[worker] log_server_host '" + host + "' is not a host name or IP address"
          + " (the address other machines reach this worker's log server at)");
    }
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** Starts the log server of the worker of job {@code jobId}, unless [worker] log_server_port = 0. */
  public static Started start(ContrailConfig config, String hostname, LogServerDirectory directory, long jobId, Clock clock) {
    ContrailConfig.Worker w = config.worker();
    if (w.logServerPort() == 0) {
      return new Started(null, "off ([worker] log_server_port = 0): logs are read on this machine only");
    }
    String host = advertisedHost(w, hostname);
    LogServer server;
    try {
      server = LogServer.start(config.logs().baseLogFolder(), w.logServerBindHost(), w.logServerPort(),
          LogTokens.of(config, clock));
    } catch (IOException | RuntimeException e) {
      LOG.warn("log server not started on {}:{}: {}", w.logServerBindHost(), w.logServerPort(), e.toString());
      return new Started(null, "NOT started: cannot listen on " + w.logServerBindHost() + ":" + w.logServerPort()
          + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "); logs are read on this machine only");
    }
    directory.advertise(jobId, host, server.port());
    return new Started(server, "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port()
        + " (listening on " + w.logServerBindHost() + ", signed requests only)");
  }
}
