package io.contrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrail.testing.CliExtension;
import io.contrail.testing.CliProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the commands print, as a user reads it: {@code --json} in snake_case with values as a DAG
 * file writes them, task instances in DAG order, listings that refuse nonsense options, errors
 * that name the missing thing, and each import error reported once. The commands run in this JVM
 * ({@link CliProcess#call}) on a real CONTRAIL_HOME and H2 file database.
 */
@ExtendWith(CliExtension.class)
class CliOutputTest {
  CliProcess cli;

  @BeforeEach
  void aDagWhoseTasksAreNotInAlphabeticalOrder() {
    cli.dag("ordered", """
        dag_id: ordered
        schedule: "@daily"
        start_date: 2026-01-01
        tasks:
          - task_id: zeta
            type: shell
            command: echo first
            retries: 2
            retry_delay: 1m30s
            execution_timeout: 10m
          - task_id: mid
            type: sleep
            duration: 500ms
            depends_on: [zeta]
          - task_id: alpha
            type: noop
            depends_on: [mid]
            trigger_rule: all_done
        """);
  }

  private static List<String> taskIds(JsonNode tasks) {
    List<String> ids = new ArrayList<>();
    tasks.forEach(t -> ids.add(t.get("task_id").asText()));
    return ids;
  }

  @Test
  void dagsShowJsonIsSnakeCaseWithValuesAsWritten() {
    JsonNode dag = cli.callJson("dags", "show", "ordered", "--json");

    assertThat(dag.get("dag_id").asText()).isEqualTo("ordered");
    assertThat(dag.get("schedule").asText()).isEqualTo("@daily");
    assertThat(dag.get("start_date").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(taskIds(dag.get("tasks"))).containsExactly("zeta", "mid", "alpha");
    JsonNode zeta = dag.get("tasks").get(0);
    assertThat(zeta.get("type").asText()).isEqualTo("shell");
    assertThat(zeta.get("command").asText()).isEqualTo("echo first");
    assertThat(zeta.get("retry_delay").asText()).isEqualTo("1m30s");
    assertThat(zeta.get("execution_timeout").asText()).isEqualTo("10m");
    assertThat(dag.get("tasks").get(1).get("duration").asText()).isEqualTo("500ms");
    assertThat(dag.get("tasks").get(2).get("trigger_rule").asText()).isEqualTo("all_done");
    List<String> keys = new ArrayList<>();
    dag.fieldNames().forEachRemaining(keys::add);
    zeta.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).allMatch(k -> k.matches("[a-z_]+"), "snake_case");
  }

  @Test
  void runsShowListsTasksInDagOrderAndTracesAndLogsTakeJson() {
    CliProcess.Result test = cli.call("dags", "test", "ordered", "--run-id", "r1");
    assertThat(test.exitCode()).as("%s", test).isZero();

    JsonNode run = cli.callJson("runs", "show", "ordered", "r1", "--json");
    assertThat(taskIds(run.get("task_instances"))).containsExactly("zeta", "mid", "alpha");
    String text = cli.callOk("runs", "show", "ordered", "r1").stdout();
    assertThat(text.indexOf("\nzeta ")).isLessThan(text.indexOf("\nmid ")).isLessThan(text.indexOf("\nalpha "));

    JsonNode trace = cli.callJson("traces", "show", "ordered", "r1", "--json");
    assertThat(trace.get("name").asText()).isEqualTo("dag_run.ordered");
    assertThat(trace.get("trace_id").asText()).isEqualTo(run.get("trace_id").asText());
    assertThat(trace.get("tasks")).hasSize(3);
    assertThat(trace.get("tasks").get(0).get("attempts").get(0).get("name").asText()).isEqualTo("task_attempt.zeta");

    JsonNode log = cli.callJson("tasks", "logs", "ordered", "r1", "zeta", "--json");
    assertThat(log.get("try_number").asInt()).isEqualTo(1);
    assertThat(log.get("log").asText()).contains("first");
    assertThat(log.get("log_source").asText()).isEqualTo("local");

    // a noop task runs no code: no log, not even its folder, and the reader says why
    JsonNode noop = cli.callJson("tasks", "logs", "ordered", "r1", "alpha", "--json");
    assertThat(noop.get("log").asText()).isEqualTo("*** A noop task runs no code and writes no log.\n");
    assertThat(noop.get("log_source").asText()).isEqualTo("none");
    assertThat(Path.of(noop.get("log_file").asText()).getParent()).doesNotExist();
    assertThat(cli.callOk("tasks", "logs", "ordered", "r1", "alpha").stdout())
        .isEqualTo("*** A noop task runs no code and writes no log.\n");
  }

  @Test
  void listingsRefuseOptionsThatMakeNoSense() {
    for (String limit : List.of("0", "-1")) {
      CliProcess.Result r = cli.call("runs", "list", "--limit", limit);
      assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
      assertThat(r.stderr().strip()).isEqualTo("error: --limit must be at least 1, not " + limit);
      assertThat(r.stdout()).isEmpty();
    }
    assertThat(cli.call("traces", "export", "--limit", "0").exitCode()).isEqualTo(2);
    assertThat(cli.call("pools", "set", "p", "-3").stderr()).contains("SLOTS must be at least 0");
    assertThat(cli.call("runs", "list", "--dag", "no_such_dag").stderr().strip())
        .isEqualTo("error: no DAG 'no_such_dag' in " + cli.dagsFolder()
            + " (see `contrail dags list` and `contrail dags list-import-errors`)");
  }

  @Test
  void errorsNameWhatIsMissing() {
    cli.callOk("dags", "test", "ordered", "--run-id", "r1");

    assertThat(cli.call("runs", "show", "no_such_dag", "x").stderr().strip())
        .isEqualTo("error: no DAG 'no_such_dag' (see `contrail dags list`)");
    assertThat(cli.call("runs", "show", "ordered", "x").stderr().strip())
        .isEqualTo("error: DAG 'ordered' has no run 'x' (see `contrail runs list --dag ordered`)");
    assertThat(cli.call("tasks", "logs", "ordered", "r1", "nope").stderr().strip())
        .isEqualTo("error: run 'r1' of DAG 'ordered' has no task 'nope' (see `contrail runs show ordered r1`)");
    assertThat(cli.call("tasks", "logs", "ordered", "r1", "zeta", "--try", "3").stderr().strip())
        .isEqualTo("error: task 'zeta' of run 'r1' has had 1 try, so there is no try 3");
    assertThat(cli.call("traces", "show", "no_such_dag", "x").exitCode()).isEqualTo(2);
    CliProcess.Result taken = cli.call("dags", "trigger", "ordered", "--run-id", "r1");
    assertThat(taken.exitCode()).isEqualTo(2);
    assertThat(taken.stderr().strip()).isEqualTo("error: run 'r1' of DAG 'ordered' already exists");
    assertThat(cli.call("dags", "trigger", "ordered", "--conf", "[1, 2]").stderr()).contains("conf must be a JSON object");
  }

  @Test
  void eachImportErrorIsReportedOnceAndOnlyOnStderr() {
    cli.dag("broken", "dag_id: broken\nschedule: \"every hour\"\ntasks:\n  - task_id: t\n    type: noop\n");

    CliProcess.Result list = cli.callOk("dags", "list", "--json");
    assertThat(list.json()).hasSize(1);
    String reason = "schedule 'every hour'";
    assertThat(list.stderr().split(reason, -1)).as("times the error is named in\n%s", list.stderr()).hasSize(2);
    assertThat(list.stderr()).contains("broken.yaml:2: invalid cron schedule 'every hour'");

    CliProcess.Result errors = cli.callOk("dags", "list-import-errors");
    assertThat(errors.stdout().split(reason, -1)).hasSize(2);
    assertThat(errors.stderr()).isEmpty();
  }

  @Test
  void backfillOfAManualDagSaysWhy() {
    cli.dag("manual", "dag_id: manual\ntasks:\n  - task_id: t\n    type: noop\n");
    CliProcess.Result r = cli.call("dags", "backfill", "manual", "--from", "2026-01-01", "--to", "2026-01-02");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("DAG 'manual' has no schedule");
  }
}
