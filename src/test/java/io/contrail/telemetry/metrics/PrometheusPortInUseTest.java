package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.testing.CliProcess;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second process with prometheus_on finds the port taken (a standalone serves it): it says so in
 * one warning line, with no stack trace, and does its work.
 */
class PrometheusPortInUseTest {
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void schedulerWhosePrometheusPortIsTakenWarnsOnceAndRuns(@TempDir Path home) throws Exception {
    try (ServerSocket taken = new ServerSocket(0); CliProcess cli = new CliProcess(home)) {
      String port = Integer.toString(taken.getLocalPort());
      cli.env("CONTRAIL__CORE__LOAD_EXAMPLES", "false")
          .env("CONTRAIL__METRICS__PROMETHEUS_ON", "true").env("CONTRAIL__METRICS__PROMETHEUS_PORT", port);

      CliProcess.Result r = cli.run("scheduler", "--num-runs", "1");

      assertThat(r.exitCode()).as("%s", r).isZero();
      List<String> lines = (r.stdout() + "\n" + r.stderr()).lines().toList();
      assertThat(lines).as("%s", r).filteredOn(l -> l.contains(" WARN ") || l.contains(" ERROR ")).singleElement()
          .satisfies(l -> assertThat(l).contains("WARN", "/metrics", "port " + port, "Address already in use"));
      assertThat(lines).as("%s", r).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
      assertThat(lines).as("%s", r).anyMatch(l -> l.contains("scheduler job 1 stopping"));
    }
  }
}
