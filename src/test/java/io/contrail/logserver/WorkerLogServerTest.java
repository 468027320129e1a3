package io.contrail.logserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrail.config.ConfigException;
import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.storage.LogServerDirectory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting a worker's log server from [worker] log_server_*: what it advertises, and what stops it. */
class WorkerLogServerTest {
  @TempDir Path home;
  private final List<String> advertised = new ArrayList<>();
  private final LogServerDirectory directory = new LogServerDirectory() {
    @Override
    public void advertise(long jobId, String host, int port) {
      advertised.add(jobId + " " + host + ":" + port);
    }

    @Override
    public Optional<Address> find(String hostname, Long preferredJobId) {
      return Optional.empty();
    }
  };

  private ContrailConfig config(Map<String, String> env) {
    return ConfigLoader.load(home, env);
  }

  @Test
  void itAdvertisesTheConfiguredHostOrElseTheMachinesHostname() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ContrailConfig c = config(Map.of("CONTRAIL__WORKER__LOG_SERVER_PORT", Integer.toString(port),
        "CONTRAIL__WORKER__LOG_SERVER_BIND_HOST", "127.0.0.1", "CONTRAIL__WORKER__LOG_SERVER_SECRET", "s3cret-s3cret"));
    try (WorkerLogServer.Started started = WorkerLogServer.start(c, "node-7", directory, 42, Clock.systemUTC())) {
      assertThat(started.server().port()).isEqualTo(port);
      assertThat(started.banner()).startsWith("http://node-7:" + port + " (listening on 127.0.0.1");
    }
    assertThat(advertised).containsExactly("42 node-7:" + port);
    assertThat(WorkerLogServer.advertisedHost(config(Map.of("CONTRAIL__WORKER__LOG_SERVER_HOST", "10.0.0.7")).worker(),
        "node-7")).isEqualTo("10.0.0.7");
  }

  @Test
  void aTakenPortLeavesTheWorkerRunningWithoutALogServerAndSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ContrailConfig c = config(Map.of("CONTRAIL__WORKER__LOG_SERVER_PORT", Integer.toString(taken.getLocalPort()),
          "CONTRAIL__WORKER__LOG_SERVER_BIND_HOST", "127.0.0.1"));
      WorkerLogServer.Started started = WorkerLogServer.start(c, "node-7", directory, 42, Clock.systemUTC());
      assertThat(started.server()).isNull();
      assertThat(started.banner()).startsWith("NOT started: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .endsWith("logs are read on this machine only");
      assertThat(advertised).isEmpty();
    }
  }

  @Test
  void portZeroIsOffAndABadHostIsAConfigurationError() {
    WorkerLogServer.Started off = WorkerLogServer.start(config(Map.of("CONTRAIL__WORKER__LOG_SERVER_PORT", "0")),
        "node-7", directory, 42, Clock.systemUTC());
    assertThat(off.server()).isNull();
    assertThat(off.banner()).startsWith("off ([worker] log_server_port = 0)");
    assertThatThrownBy(() -> WorkerLogServer.advertisedHost(
        config(Map.of("CONTRAIL__WORKER__LOG_SERVER_HOST", "http://node/")).worker(), "node-7"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("[worker] log_server_host 'http://node/'");
    assertThatThrownBy(() -> config(Map.of("CONTRAIL__WORKER__LOG_SERVER_PORT", "70000")))
        .hasMessageContaining("LOG_SERVER_PORT").hasMessageContaining("0 for off");
  }
}
