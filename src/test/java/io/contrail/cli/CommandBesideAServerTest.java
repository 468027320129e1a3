package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A short command beside a process that holds the embedded database (a scheduler) joins it through
 * that process's server as the user Contrail works as, without logging in as the admin (one
 * connection fewer at every start); on its own it opens the file as the admin, as before. Shown
 * with an admin password file that no longer fits: beside the scheduler the command still works,
 * alone it is refused with the reason.
 */
@ExtendWith(CliExtension.class)
class CommandBesideAServerTest {
  CliProcess cli;

  @Test
  void aCommandBesideARunningSchedulerNeedsNoAdminLogin() throws Exception {
    cli.dag("manual", "dag_id: manual\ntasks:\n  - task_id: t\n    type: noop\n");
    cli.ok("dags", "unpause", "manual");
    CliProcess.Background scheduler = cli.start("scheduler");
    scheduler.awaitOutput("Press Ctrl+C to stop.");
    Files.writeString(cli.home().resolve("database_admin_password"), "not-the-admin-password\n");

    cli.ok("dags", "trigger", "manual", "--run-id", "beside");
    assertThat(cli.ok("dags", "list").stdout()).contains("manual");
    cli.awaitRun("manual", "beside", Duration.ofSeconds(30), run -> run.get("state").asText().equals("success"));

    scheduler.process.destroy();
    assertThat(scheduler.waitFor(Duration.ofSeconds(30))).as("%s", scheduler).isNotNull();
    CliProcess.Result alone = cli.run("runs", "list");
    assertThat(alone.exitCode()).as("%s", alone).isNotZero();
    assertThat(alone.stderr()).contains("Wrong user name or password");
  }
}
