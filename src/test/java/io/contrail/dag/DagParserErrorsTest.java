package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DagParserErrorsTest {
  private static final Path FILE = Path.of("dags", "bad.yaml");

  private static DagImportException errorOf(String yaml) {
    DagImportException e = catchThrowableOfType(DagImportException.class,
        () -> new DagParser().parse(FILE, yaml));
    assertThat(e).as("expected an import error").isNotNull();
    assertThat(e.file()).isEqualTo(FILE.toString());
    assertThat(e.getMessage()).isEqualTo(FILE + ":" + e.line() + ": " + e.reason());
    return e;
  }

  @Test
  void yamlSyntaxErrorReportsJacksonsLine() {
    DagImportException e = errorOf("""
        dag_id: broken
        tasks:
          - task_id: a
            type: shell
            command: "echo unterminated
        """);
    assertThat(e.line()).isBetween(5, 6);
    assertThat(e.reason()).startsWith("invalid YAML");
  }

  @Test
  void duplicateYamlKeyIsASyntaxError() {
    DagImportException e = errorOf("dag_id: a\ntags: [x]\ntags: [y]\n");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("tags");
  }

  @Test
  void idsThatCouldLeaveAFolderAreRefusedNamingTheCharacter() {
    assertThat(errorOf("dag_id: ../etc\ntasks:\n  - task_id: t\n    type: noop\n").getMessage())
        .contains("dag_id '../etc' has '/'");
    assertThat(errorOf("dag_id: ok\ntasks:\n  - task_id: a/b\n    type: noop\n").getMessage())
        .contains("task_id 'a/b' has '/'");
  }

  @Test
  void unknownDagLevelKeyNamesTheKey() {
    DagImportException e = errorOf("dag_id: a\ndescription: x\nschedul: \"@daily\"\n");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("unknown key 'schedul'");
  }

  @Test
  void unknownTaskKeyNamesTheKeyAndTask() {
    DagImportException e = errorOf("""
        dag_id: a
        tasks:
          - task_id: first
            type: noop
          - task_id: second
            type: shell
            command: echo hi
            retires: 3
        """);
    assertThat(e.line()).isEqualTo(8);
    assertThat(e.reason()).contains("unknown key 'retires'").contains("second");
  }

  @Test
  void keyOfAnotherTaskTypeIsRejected() {
    DagImportException e = errorOf("""
        dag_id: a
        tasks:
          - task_id: s
            type: shell
            command: echo hi
            url: http://example.com
        """);
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.reason()).contains("'url'").contains("shell");
  }

  @Test
  void unknownKeyInDefaultArgs() {
    DagImportException e = errorOf("dag_id: a\ndefault_args:\n  retries: 1\n  command: x\n");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.reason()).contains("unknown key 'command'").contains("default_args");
  }

  @Test
  void wrongValueTypesNameTheKey() {
    DagImportException retries = errorOf("""
        dag_id: a
        tasks:
          - task_id: t
            type: noop
            retries: many
        """);
    assertThat(retries.line()).isEqualTo(5);
    assertThat(retries.reason()).contains("'retries' must be an integer");

    DagImportException tags = errorOf("dag_id: a\ntags: {a: b}\n");
    assertThat(tags.line()).isEqualTo(2);
    assertThat(tags.reason()).contains("'tags' must be a list");

    DagImportException catchup = errorOf("dag_id: a\n\ncatchup: maybe\n");
    assertThat(catchup.line()).isEqualTo(3);
    assertThat(catchup.reason()).contains("'catchup' must be true or false");

    DagImportException tasks = errorOf("dag_id: a\ntasks: run everything\n");
    assertThat(tasks.line()).isEqualTo(2);
    assertThat(tasks.reason()).contains("'tasks' must be a list");
  }

  @Test
  void unknownTypeAndTriggerRule() {
    DagImportException type = errorOf("dag_id: a\ntasks:\n  - task_id: t\n    type: bash\n");
    assertThat(type.line()).isEqualTo(4);
    assertThat(type.reason()).contains("unknown task type 'bash'");

    DagImportException rule = errorOf("""
        dag_id: a
        tasks:
          - task_id: t
            type: noop
            trigger_rule: sometimes
        """);
    assertThat(rule.line()).isEqualTo(5);
    assertThat(rule.reason()).contains("unknown trigger_rule 'sometimes'");
  }

  @Test
  void badDurationPointsAtItsKey() {
    DagImportException e = errorOf("""
        dag_id: a
        default_args:
          retry_delay: 5 minutes
        tasks:
          - task_id: t
            type: noop
        """);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.reason()).contains("retry_delay").contains("invalid duration '5 minutes'");
  }

  @Test
  void badStartDate() {
    DagImportException e = errorOf("dag_id: a\nstart_date: yesterday\n");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.reason()).contains("start_date 'yesterday'");
  }

  @Test
  void missingRequiredKeysPointAtTheirMapping() {
    DagImportException dagId = errorOf("description: no id\ntasks: []\n");
    assertThat(dagId.line()).isEqualTo(1);
    assertThat(dagId.reason()).contains("missing required key 'dag_id'");

    DagImportException command = errorOf("""
        dag_id: a
        tasks:
          - task_id: ok
            type: noop
          - task_id: s
            type: shell
        """);
    assertThat(command.line()).isEqualTo(5);
    assertThat(command.reason()).contains("missing required key 'command'").contains("'s'");

    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: h\n    type: http\n").reason())
        .contains("'url'");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: z\n    type: sleep\n").reason())
        .contains("'duration'");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: j\n    type: java\n").reason())
        .contains("'class'");
    assertThat(errorOf("dag_id: a\ntasks:\n  - type: noop\n").reason()).contains("'task_id'");
    assertThat(errorOf("dag_id: a\ntasks:\n  - task_id: n\n").reason()).contains("'type'");
  }

  @Test
  void duplicateTaskIdReportsTheSecondOne() {
    DagImportException e = errorOf("""
        dag_id: a
        tasks:
          - task_id: same
            type: noop
          - task_id: other
            type: noop
          - task_id: same
            type: noop
        """);
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.reason()).contains("duplicate task_id 'same'");
  }

  @Test
  void unknownUpstreamReportsTheDependingTask() {
    DagImportException e = errorOf("""
        dag_id: a
        tasks:
          - task_id: first
            type: noop
          - task_id: second
            type: noop
            depends_on: [first, ghost]
        """);
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.reason()).contains("'second'").contains("unknown task 'ghost'");
  }

  @Test
  void cycleReportsATaskInIt() {
    DagImportException e = errorOf("""
        dag_id: a
        tasks:
          - task_id: outside
            type: noop
          - task_id: x
            type: noop
            depends_on: [z]
          - task_id: y
            type: noop
            depends_on: [x]
          - task_id: z
            type: noop
            depends_on: [y, outside]
        """);
    assertThat(e.line()).isIn(5, 8, 11);
    assertThat(e.reason()).contains("cycle").contains("x").contains("y").contains("z");
  }

  @Test
  void invalidIdsPointAtTheirKey() {
    DagImportException dag = errorOf("# comment\ndag_id: has spaces\n");
    assertThat(dag.line()).isEqualTo(2);
    assertThat(dag.reason()).contains("dag_id 'has spaces'");

    DagImportException task = errorOf("dag_id: a\ntasks:\n  - type: noop\n    task_id: bad/id\n");
    assertThat(task.line()).isEqualTo(4);
    assertThat(task.reason()).contains("task_id 'bad/id'");
  }

  @Test
  void emptyFileAndNonMappingRoot() {
    assertThat(errorOf("").reason()).contains("empty");
    assertThat(errorOf("# only a comment\n").reason()).contains("empty");
    DagImportException list = errorOf("- a\n- b\n");
    assertThat(list.line()).isEqualTo(1);
    assertThat(list.reason()).contains("mapping");
  }
}
