package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Broken DAG files are reported with file, line and reason while the good ones keep working. */
@ExtendWith(CliExtension.class)
class ImportErrorsE2eTest {
  CliProcess cli;

  @Test
  void importErrorBesideAGoodDagNamesFileAndLine() {
    cli.dag("good", """
        dag_id: good
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: works
            type: shell
            command: echo fine
        """);
    Path typo = cli.dag("typo", """
        dag_id: typo
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: a
            type: shell
            comand: echo misspelt key
        """);
    Path cycle = cli.dag("cycle", """
        dag_id: cycle
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: first
            type: noop
          - task_id: ping
            type: noop
            depends_on: [pong, first]
          - task_id: pong
            type: noop
            depends_on: [ping]
        """);

    CliProcess.Result list = cli.ok("dags", "list");
    assertThat(list.stdout()).containsPattern("(?m)^good\\s").doesNotContain("typo").doesNotContain("cycle");
    // the import errors go to stderr, each once, so stdout stays the listing alone
    assertThat(list.stderr()).contains("2 DAG file(s) failed to load").contains("typo.yaml").contains("cycle.yaml");

    JsonNode errors = cli.json("dags", "list-import-errors", "--json");
    Map<String, JsonNode> byFile = new HashMap<>();
    errors.forEach(e -> byFile.put(Path.of(e.get("file").asText()).getFileName().toString(), e));
    assertThat(byFile).containsOnlyKeys("typo.yaml", "cycle.yaml");
    assertThat(byFile.get("typo.yaml").get("line").asInt()).isEqualTo(7);
    assertThat(byFile.get("typo.yaml").get("message").asText()).contains("comand");
    assertThat(byFile.get("cycle.yaml").get("line").asInt()).isIn(7, 10);
    assertThat(byFile.get("cycle.yaml").get("message").asText()).contains("cycle").contains("ping").contains("pong");
    assertThat(Path.of(byFile.get("typo.yaml").get("file").asText()).toAbsolutePath())
        .isEqualTo(typo.toAbsolutePath());
    assertThat(Path.of(byFile.get("cycle.yaml").get("file").asText()).toAbsolutePath())
        .isEqualTo(cycle.toAbsolutePath());

    CliProcess.Result test = cli.run("dags", "test", "good", "--run-id", "r1");
    assertThat(test.exitCode()).as("%s", test).isZero();
    assertThat(test.stdout()).containsPattern("(?m)^works\\s+success\\s");
  }
}
