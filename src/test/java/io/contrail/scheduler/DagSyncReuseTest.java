package io.contrail.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.dag.DagProcessor;
import io.contrail.dag.ImportError;
import io.contrail.storage.Stores;
import io.contrail.storage.StoredDag;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short command (`dags list`, `dags trigger` ...) is a process that starts with nothing parsed:
 * when the database already reflects dags_folder as it is, it takes the DAGs from there and parses
 * nothing; any change to the folder's files still reaches the database before the command reads it.
 */
class DagSyncReuseTest {
  @TempDir Path home;

  /** One short command's processor and sync, as {@code Contrail.dagSync()} makes them (without the shared parse cache). */
  private record Command(DagProcessor processor, DagSync sync, Stores stores) {
    static Command in(InProcessContrail in) {
      DagProcessor processor = new DagProcessor(in.contrail().config().core().dagsFolder(), false);
      return new Command(processor, new DagSync(processor, in.stores().dags(), in.stores().pools(), Clock.systemUTC(),
          in.contrail().telemetry(), true, 128), in.stores());
    }

    /** The command's sync; returns the active DAGs' ids it leaves in the database. */
    List<String> run() {
      sync.syncOrReuse();
      return stores.dags().list().stream().filter(StoredDag::active).map(StoredDag::dagId).toList();
    }
  }

  @Test
  void anUnchangedFolderIsNotParsedAgainAndEveryChangeStillIs() throws Exception {
    try (InProcessContrail in = new InProcessContrail(home)) {
      in.dag("a.yaml", "dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n");
      in.dag("broken.yaml", "dag_id: broken\ntasks:\n  - task_id: t\n    type: noop\n    colour: red\n");
      Path dags = in.contrail().config().core().dagsFolder();
      Stores stores = in.stores();

      assertThat(Command.in(in).run()).containsExactly("a"); // parses, unless the start-up's sync recorded the folder

      Command second = Command.in(in);
      assertThat(second.run()).containsExactly("a");
      assertThat(second.processor().parseCount()).as("files parsed by a command on an unchanged folder").isZero();
      assertThat(second.sync().syncOrReuse()).extracting(ImportError::file)
          .containsExactly(dags.resolve("broken.yaml").toString());

      // the same size, another task id: only the content tells
      Files.writeString(dags.resolve("a.yaml"), "dag_id: a\ntasks:\n  - task_id: u\n    type: noop\n");
      Command afterEdit = Command.in(in);
      afterEdit.run();
      assertThat(afterEdit.processor().parseCount()).isEqualTo(2);
      assertThat(stores.dags().find("a").orElseThrow().dag().taskIndex()).containsOnlyKeys("u");
      Command afterThat = Command.in(in);
      afterThat.run();
      assertThat(afterThat.processor().parseCount()).as("the edit was recorded: the next command parses nothing").isZero();

      Files.writeString(dags.resolve("b.yaml"), "dag_id: b\ntasks:\n  - task_id: t\n    type: noop\n");
      Files.delete(dags.resolve("broken.yaml"));
      assertThat(Command.in(in).run()).containsExactly("a", "b");
      assertThat(stores.dags().importErrors()).isEmpty();

      Files.delete(dags.resolve("b.yaml"));
      assertThat(Command.in(in).run()).containsExactly("a");
      assertThat(stores.dags().find("b").orElseThrow().active()).isFalse();
    }
  }

  @Test
  void aDeletedDagComesBackFromItsFileAtTheNextCommand() {
    try (InProcessContrail in = new InProcessContrail(home)) {
      in.dag("a.yaml", "dag_id: a\ntasks:\n  - task_id: t\n    type: noop\n");
      Command.in(in).run();
      assertThat(in.contrail().operations().deleteDag("a").deleted()).isTrue();
      assertThat(in.stores().dags().find("a")).isEmpty();

      Command next = Command.in(in);
      assertThat(next.run()).containsExactly("a");
      assertThat(next.processor().parseCount()).isEqualTo(1);
      assertThat(in.stores().dags().find("a")).isPresent();
    }
  }
}
