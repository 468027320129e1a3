package io.contrail.telemetry.traces;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.run.DagRun;
import io.contrail.storage.Stores;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.OtelSettings;
import io.contrail.testing.InProcessContrail;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** service_per_dag: run, task and attempt spans carry service.name = the dag_id (DESIGN.md §6). */
class ServicePerDagTest {
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");
  private static final String DAG = """
      dag_id: %s
      schedule: null
      start_date: 2026-01-01T00:00:00Z
      paused: false
      tasks:
        - task_id: hello
          type: shell
          command: "true"
        - task_id: after
          type: noop
          depends_on: [hello]
      """;

  @TempDir Path home;
  InProcessContrail runs;

  @BeforeEach
  void setUp() throws Exception {
    runs = new InProcessContrail(home).dag("billing.yaml", DAG.formatted("billing")).dag("reports.yaml", DAG.formatted("reports"));
  }

  @AfterEach
  void tearDown() {
    runs.close();
  }

  private ContrailConfig config(boolean servicePerDag) throws Exception {
    Path cfgHome = Files.createDirectories(home.resolve("cfg-" + servicePerDag));
    return ConfigLoader.load(cfgHome, Map.of("CONTRAIL__TRACES__SERVICE_PER_DAG", String.valueOf(servicePerDag),
        "CONTRAIL__CORE__DEPLOYMENT_NAME", "prod-eu"));
  }

  /** Every span of a finished run, as the outbox builds it with this process resource. */
  private List<SpanData> spans(Resource process, boolean servicePerDag, DagRun run) {
    return Outboxes.spansOf(runs, run, process, servicePerDag);
  }

  @Test
  void servicePerDagNamesTheServiceAfterTheDag() throws Exception {
    ContrailConfig config = config(true);
    Resource process = ContrailResource.create(config, config.traces().otelService(), Environment.of(Map.of()));
    DagRun billing = runs.run("billing", null, null);
    DagRun reports = runs.run("reports", null, null);

    List<SpanData> billingSpans = spans(process, true, billing);
    assertThat(billingSpans).extracting(SpanData::getName)
        .contains("dag_run.billing", "task_run.hello", "task_attempt.hello", "task_run.after", "task_attempt.after");
    assertThat(billingSpans).allSatisfy(s -> {
      assertThat(s.getResource().getAttribute(SERVICE)).isEqualTo("billing");
      // the rest of the process's resource is kept
      assertThat(s.getResource().getAttribute(AttributeKey.stringKey("service.namespace"))).isEqualTo("prod-eu");
      assertThat(s.getResource().getAttribute(AttributeKey.stringKey("service.instance.id")))
          .isEqualTo(ContrailResource.INSTANCE_ID);
    });
    assertThat(spans(process, true, reports)).allSatisfy(s -> assertThat(s.getResource().getAttribute(SERVICE)).isEqualTo("reports"));
  }

  @Test
  void withoutServicePerDagEverySpanHasTheProcessService() throws Exception {
    ContrailConfig config = config(false);
    Resource process = ContrailResource.create(config, config.traces().otelService(), Environment.of(Map.of()));

    assertThat(spans(process, false, runs.run("billing", null, null)))
        .allSatisfy(s -> assertThat(s.getResource()).isSameAs(process));
    assertThat(process.getAttribute(SERVICE)).isEqualTo("contrail");
  }

  @Test
  void tracingOpenWiresThePerDagResourcesIntoItsMapper() throws Exception {
    ContrailConfig config = config(true);
    DagRun billing = runs.run("billing", null, null);
    try (Tracing tracing = Tracing.open(config, OtelSettings.resolve(Environment.of(Map.of())), SecretsMasker.defaults(), new Tracing.Source(
        Stores.spanOutbox(runs.contrail().database()), runs.stores().runs(), runs.stores().dags()))) {
      assertThat(tracing.outbox().spansOf(billing.key()))
          .allSatisfy(s -> assertThat(s.getResource().getAttribute(SERVICE)).isEqualTo("billing"));
      assertThat(tracing.sdk().resource().getAttribute(SERVICE)).isIn("contrail", System.getenv("OTEL_SERVICE_NAME"));
    }
  }
}
