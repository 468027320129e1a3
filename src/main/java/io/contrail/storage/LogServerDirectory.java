package io.contrail.storage;

import java.util.Optional;

/**
 * Where workers' log servers are: each worker records the address other processes reach its log
 * server at, and a reader of an attempt log that is not on its own disk asks for the server of the
 * host the try ran on. Kept on the worker's row of {@code workers list}.
 */
public interface LogServerDirectory {
  /** A log server's address as the worker advertised it. */
  record Address(long jobId, String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Records that the worker of job {@code jobId} serves its logs at {@code host:port}. */
  void advertise(long jobId, String host, int port);

  /**
   * The log server of the newest worker started on {@code hostname} that has one, the worker of job
   * {@code preferredJobId} first (the job owning a running try) when it has one.
   */
  Optional<Address> find(String hostname, Long preferredJobId);
}
