package io.contrail.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.contrail.dag.ImportError;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Import errors as an operator sees them: all recorded, each logged once while its file stays broken. */
class DagSyncImportErrorsTest {
  @TempDir Path home;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(DagSync.class);

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  private long importErrorLines() {
    return logged.list.stream().filter(e -> e.getFormattedMessage().startsWith("import error:")).count();
  }

  @Test
  void anUnchangedBrokenFileIsLoggedOnceAndEveryOtherFileStillSyncs() throws Exception {
    try (InProcessContrail in = new InProcessContrail(home)) {
      in.dag("good.yaml", "dag_id: good\ntasks:\n  - task_id: t\n    type: noop\n");
      in.contrail();
      Path dags = home.resolve("dags");
      Files.writeString(dags.resolve("broken.yaml"), "dag_id: broken\ntasks:\n  - task_id: t\n    type: noop\n    colour: red\n");
      Files.writeString(dags.resolve("long.yaml"), "dag_id: long\ndescription: " + "d".repeat(2001)
          + "\ntasks:\n  - task_id: t\n    type: noop\n");
      DagSync sync = in.contrail().dagSync();
      logged.list.clear();

      for (int i = 0; i < 5; i++) {
        sync.sync(); // rescans of unchanged files
      }

      assertThat(importErrorLines()).as("import error lines after 5 rescans of 2 broken files").isEqualTo(2);
      List<ImportError> recorded = in.stores().dags().importErrors();
      assertThat(recorded).extracting(ImportError::file)
          .containsExactlyInAnyOrder(dags.resolve("broken.yaml").toString(), dags.resolve("long.yaml").toString());
      assertThat(in.stores().dags().find("good")).isPresent();

      Files.writeString(dags.resolve("broken.yaml"), "dag_id: broken\ntasks:\n  - task_id: t\n    type: noop\n    size: 3\n");
      sync.sync();
      sync.sync();
      assertThat(importErrorLines()).as("a new error of a changed file is logged, once").isEqualTo(3);
    }
  }
}
