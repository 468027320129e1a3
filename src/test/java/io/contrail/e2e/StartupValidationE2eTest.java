package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bad setting — in contrail.cfg, a CONTRAIL__ variable or an OTEL_* variable — stops a process
 * before it does any work: one line naming what is wrong, exit code 2.
 */
@ExtendWith(CliExtension.class)
class StartupValidationE2eTest {
  CliProcess cli;

  private void assertRefusedToStart(CliProcess.Result r, String... named) {
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr().strip()).as("%s", r).startsWith("error: ").doesNotContain("\n").contains(named);
    assertThat(r.stdout()).as("nothing started").doesNotContain("Press Ctrl+C");
  }

  @Test
  void unknownSamplerStopsTheSchedulerBeforeItStarts() {
    CliProcess.Result r = cli.env("OTEL_TRACES_SAMPLER", "sometimes").run("scheduler", "--num-runs", "1");

    assertRefusedToStart(r, "invalid OpenTelemetry setting", "sometimes");
    assertThat(Files.exists(cli.home().resolve("contrail.mv.db"))).as("no database was opened").isFalse();
  }

  @Test
  void badExporterSettingWithTracesOnStopsDagsTest() {
    cli.dag("one", """
        dag_id: one
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: only
            type: noop
        """);
    CliProcess.Result r = cli.env("CONTRAIL__TRACES__OTEL_ON", "true").env("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon")
        .run("dags", "test", "one");

    assertRefusedToStart(r, "invalid OpenTelemetry setting", "carrier-pigeon");
    assertThat(r.stdout()).doesNotContain("testing one");
    assertThat(Files.exists(cli.home().resolve("contrail.mv.db"))).as("no database was opened").isFalse();
  }

  @Test
  void badContrailVariableNamesTheVariable() {
    CliProcess.Result r = cli.env("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "soon").run("standalone");

    assertRefusedToStart(r, "CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS = 'soon'");
  }
}
