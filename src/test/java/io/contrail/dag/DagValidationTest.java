package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.contrail.api.Dag;
import io.contrail.api.ShellSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every value of a DAG file is checked at import: what the scheduler or executor would trip over
 * later — a schedule that is no cron, a retry count that overflows, a timeout of nothing, a date
 * no database stores — is an import error at its line, quoting what the file says.
 */
class DagValidationTest {
  private static final Path FILE = Path.of("dags", "checked.yaml");
  private static final String TASK = "tasks:\n  - task_id: t\n    type: noop\n";

  private static DagImportException errorOf(String yaml) {
    return errorOf(yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static DagImportException errorOf(byte[] bytes) {
    DagImportException e = catchThrowableOfType(DagImportException.class,
        () -> new DagParser().parseDetailed(FILE, bytes));
    assertThat(e).as("expected an import error").isNotNull();
    assertThat(e.file()).isEqualTo(FILE.toString());
    return e;
  }

  private static Dag parse(String yaml) {
    return new DagParser().parseDetailed(FILE, yaml.getBytes(StandardCharsets.UTF_8)).dag();
  }

  @ParameterizedTest
  @ValueSource(strings = {"61 * * * *", "every hour", "@fortnightly", "* * * *", "0 0 31 2 *"})
  void scheduleThatIsNoCronOrPresetIsAnImportErrorAtItsLine(String schedule) {
    DagImportException e = errorOf("dag_id: a\ndescription: x\nschedule: \"" + schedule + "\"\n" + TASK);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("schedule '" + schedule + "'");
  }

  @Test
  void presetsAndCronExpressionsStillLoad() {
    assertThat(parse("dag_id: a\nschedule: \"@fortnightly\"\n".replace("@fortnightly", "@daily") + TASK).schedule())
        .isEqualTo("@daily");
    assertThat(parse("dag_id: a\nschedule: \"*/5 9-17 * * 1-5\"\n" + TASK).schedule()).isEqualTo("*/5 9-17 * * 1-5");
  }

  @Test
  void retriesThatWouldOverflowMaxTriesAreRefused() {
    DagImportException e = errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n    retries: 2147483647\n");
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.reason()).contains("'retries' must be between 0 and 10000, not 2147483647");
    assertThat(errorOf("dag_id: a\ndefault_args:\n  retries: -1\n" + TASK).reason()).contains("not -1");
  }

  @Test
  void aSecondYamlDocumentIsRefusedNotIgnored() {
    DagImportException e = errorOf("dag_id: a\n" + TASK + "---\ndag_id: b\n" + TASK);
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.reason()).contains("second YAML document");
  }

  @Test
  void unquotedYesOrNumberAsDagIdIsRefusedQuotingWhatWasWritten() {
    DagImportException yes = errorOf("dag_id: yes\n" + TASK);
    assertThat(yes.line()).isEqualTo(1);
    assertThat(yes.reason()).isEqualTo("'dag_id' must be a string: yes is read as a boolean; quote it: dag_id: \"yes\"");
    assertThat(errorOf("dag_id: 12345\n" + TASK).reason()).contains("12345 is read as a number");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: 012\n    type: noop\n").reason())
        .contains("012 is read as a number");
    assertThat(parse("dag_id: \"12345\"\n" + TASK).dagId()).isEqualTo("12345");
  }

  @Test
  void freeTextIsKeptExactlyAsWritten() {
    Dag dag = parse("""
        dag_id: a
        description: 012
        tasks:
          - task_id: t
            type: shell
            command: true
            env: {DEBUG: yes, MODE: 010}
        """);
    assertThat(dag.description()).isEqualTo("012");
    ShellSpec shell = (ShellSpec) dag.task("t").spec();
    assertThat(shell.command()).isEqualTo("true");
    assertThat(shell.env()).isEqualTo(Map.of("DEBUG", "yes", "MODE", "010"));
  }

  @Test
  void aDagWithoutTasksIsAnImportError() {
    DagImportException empty = errorOf("dag_id: nothing\nschedule: \"@daily\"\ntasks: []\n");
    assertThat(empty.line()).isEqualTo(3);
    assertThat(empty.reason()).contains("DAG 'nothing' has no tasks");
    assertThat(errorOf("dag_id: nothing\n").reason()).contains("no tasks");
  }

  @Test
  void durationsOutOfRangeAreRefused() {
    DagImportException zero = errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n    execution_timeout: 0s\n");
    assertThat(zero.line()).isEqualTo(5);
    assertThat(zero.reason()).isEqualTo("'execution_timeout' must be at least 1ms, not 0s");
    assertThat(errorOf("dag_id: a\ndefault_args:\n  retry_delay: 1000d\n" + TASK).reason())
        .isEqualTo("'retry_delay' must be at most 365d, not 1000d");
    assertThat(errorOf("dag_id: a\ndefault_args:\n  retry_delay: PT-5S\n" + TASK).reason()).contains("at least 0s");
    assertThat(parse("dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n    retry_delay: 0s\n")
        .task("t").retry().retryDelay()).isEqualTo(Duration.ZERO);
  }

  @Test
  void startDatesNoDatabaseStoresAreRefused() {
    DagImportException far = errorOf("dag_id: a\nstart_date: +999999999-01-01T00:00:00Z\n" + TASK);
    assertThat(far.line()).isEqualTo(2);
    assertThat(far.reason()).contains("must be between 1900-01-01 and 9999-12-31");
    assertThat(errorOf("dag_id: a\nstart_date: 1066-10-14\n" + TASK).reason()).contains("between 1900-01-01");
  }

  @Test
  void bytesThatAreNotUtf8AreAnErrorAtTheirLine() {
    byte[] bytes = "dag_id: a\ndescription: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    DagImportException e = errorOf(bytes);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.reason()).contains("not UTF-8").contains("0xe9");
  }

  @Test
  void aUtf8ByteOrderMarkIsFine() {
    byte[] yaml = ("\uFEFFdag_id: bom\n" + TASK).getBytes(StandardCharsets.UTF_8);
    assertThat(new DagParser().parseDetailed(FILE, yaml).dag().dagId()).isEqualTo("bom");
  }

  @Test
  void aliasBombIsRefusedAtTheFirstAlias() {
    StringBuilder yaml = new StringBuilder("dag_id: bomb\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("lol").append(i).append(": &l").append(i).append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(9, "*l" + (i - 1)))).append("]\n");
    }
    DagImportException e = errorOf(yaml.toString());
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("YAML aliases (*l0) are not supported");
  }

  @Test
  void deepNestingIsRefusedByTheParserLimit() {
    String deep = "dag_id: a\ndescription: " + "[".repeat(5000) + "]".repeat(5000) + "\n" + TASK;
    assertThat(errorOf(deep).reason()).isEqualTo("invalid YAML: nested deeper than 50 levels");
  }

  @Test
  void aTaskGoesToItsQueueOrThatOfDefaultArgsAndABadQueueNameIsAnImportErrorNamingLineAndKey() {
    Dag dag = parse("dag_id: a\ndefault_args: {queue: heavy}\ntasks:\n  - {task_id: t, type: noop}\n"
        + "  - {task_id: u, type: noop, queue: gpu}\n");
    assertThat(dag.task("t").queueing().queue()).isEqualTo("heavy");
    assertThat(dag.task("u").queueing().queue()).isEqualTo("gpu");
    assertThat(parse("dag_id: a\n" + TASK).tasks().get(0).queueing().queue()).isEqualTo("default");
    DagImportException e = errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n    queue: two words\n");
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.reason()).contains("queue 'two words' must be 1-250 characters");
  }

  @Test
  void namesAndValuesOfTasksAreChecked() {
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n    pool: my pool\n").reason())
        .contains("pool 'my pool' must be");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n    pool_slots: 0\n").reason())
        .contains("'pool_slots' must be between 1");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: http\n    url: localhost:8080/x\n").reason())
        .contains("must be an http:// or https:// URL");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: http\n    url: http://x/\n    expect_status: [200, 99]\n")
        .reason()).contains("between 100 and 599, not 99");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: shell\n    command: x\n    env: {A-B: 1}\n").reason())
        .contains("env name 'A-B'");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: java\n    class: not a class\n").reason())
        .contains("is not a Java class name");
    assertThat(errorOf("dag_id: a\nmax_active_runs: 0\n" + TASK).reason()).contains("between 1 and 100000, not 0");
    assertThat(parse("dag_id: a\ntasks:\n  - task_id: t\n    type: http\n    url: \"{{ conf.base }}/hook\"\n")
        .task("t").type()).isEqualTo("http");
  }
}
