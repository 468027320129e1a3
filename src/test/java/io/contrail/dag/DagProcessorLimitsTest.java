package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-file limits of DAG processing: size, parse time and the database's column sizes. */
class DagProcessorLimitsTest {
  @TempDir Path dags;
  private DagProcessor processor;

  @AfterEach
  void close() {
    if (processor != null) {
      processor.close();
    }
  }

  private DagProcessor processor(long maxBytes, Duration parseTimeout) {
    processor = new DagProcessor(dags, false, maxBytes, parseTimeout);
    return processor;
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dags.resolve(name), text);
  }

  private static String good(String dagId) {
    return DagProcessorTest.dagYaml(dagId, "echo ok");
  }

  @Test
  void aFileOverTheSizeLimitIsAnImportErrorWithoutBeingParsed() throws IOException {
    write("good.yaml", good("good"));
    Path big = write("big.yaml", "dag_id: big\ndescription: " + "x".repeat(5000) + "\ntasks: []\n");
    DagProcessor p = processor(4096, Duration.ofSeconds(30));

    DagBag bag = p.refresh();

    assertThat(bag.dags()).containsOnlyKeys("good");
    assertThat(bag.importErrors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(big.toString());
      assertThat(e.message()).contains("max_dag_file_bytes (4096)").contains("not parsed");
    });
    assertThat(p.parseCount()).as("files parsed").isEqualTo(1);
    p.refresh();
    assertThat(p.parseCount()).as("files parsed after a rescan of unchanged files").isEqualTo(1);
  }

  @Test
  void aFileTakingLongerThanTheParseLimitIsGivenUpInAboutThatTime() throws IOException {
    write("good.yaml", good("good"));
    // one long plain scalar without spaces: SnakeYAML's time grows faster than its length (measured
    // warm: 0.8 MB 0.86 s, so 3 MB takes several seconds); spaced words parse fast and would not do
    Path slow = write("slow.yaml", "dag_id: slow\ndescription: " + "x".repeat(3_000_000)
        + "\ntasks:\n  - task_id: t\n    type: noop\n");
    DagProcessor p = processor(16 << 20, Duration.ofMillis(300));

    long t0 = System.nanoTime();
    DagBag bag = p.refresh();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(bag.dags()).containsOnlyKeys("good");
    assertThat(bag.importErrors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(slow.toString());
      assertThat(e.message()).contains("dagbag_import_timeout_ms (300 ms)");
    });
    assertThat(took).as("time of a scan with a 300 ms budget per file").isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void valuesLongerThanTheirColumnsAreImportErrorsNamingFileLineAndKey() throws IOException {
    write("good.yaml", good("good"));
    Path description = write("description.yaml", "dag_id: long_description\n"
        + "description: " + "d".repeat(StorageLimits.DESCRIPTION + 1) + "\n"
        + "tasks:\n  - task_id: t\n    type: noop\n");
    Path pool = write("pool.yaml", "dag_id: long_pool\ntasks:\n  - task_id: a\n    type: noop\n"
        + "  - task_id: b\n    type: noop\n    pool: " + "p".repeat(StorageLimits.POOL + 1) + "\n");

    DagBag bag = processor(DagProcessor.DEFAULT_MAX_FILE_BYTES, DagProcessor.DEFAULT_PARSE_TIMEOUT).refresh();

    assertThat(bag.dags()).containsOnlyKeys("good");
    assertThat(bag.importErrors()).hasSize(2);
    assertThat(bag.importErrors()).filteredOn(e -> e.file().equals(description.toString())).singleElement()
        .satisfies(e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.message()).contains("'description' is 2001 characters long").contains("at most 2000");
        });
    assertThat(bag.importErrors()).filteredOn(e -> e.file().equals(pool.toString())).singleElement()
        .satisfies(e -> {
          assertThat(e.line()).isEqualTo(7);
          // the parser's identifier rule (1-250 characters) catches it before the storage limit does
          assertThat(e.message()).contains("pool 'ppp").contains("1-250 characters");
        });
  }
}
