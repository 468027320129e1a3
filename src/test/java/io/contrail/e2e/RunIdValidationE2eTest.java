package io.contrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A run id given on the command line is checked as the REST API checks it: it can never name a folder outside the logs. */
@ExtendWith(CliExtension.class)
class RunIdValidationE2eTest {
  CliProcess cli;

  @Test
  void triggerWithARunIdThatClimbsOutOfTheLogsFolderIsRefused() {
    cli.dag("hello", """
        dag_id: hello
        schedule: null
        start_date: 2026-01-01
        tasks:
          - task_id: say
            type: shell
            command: echo hello
        """);
    CliProcess.Result r = cli.run("dags", "trigger", "hello", "--run-id", "../../x");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("run id '../../x' is invalid").contains("'/'");
    assertThat(cli.json("runs", "list", "--json")).isEmpty();
    assertThat(Files.exists(cli.home().getParent().resolve("x"))).isFalse();
  }
}
