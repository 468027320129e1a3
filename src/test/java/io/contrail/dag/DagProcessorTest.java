package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.api.Dag;
import io.contrail.api.TaskSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DagProcessorTest {
  @TempDir Path dags;
  private DagProcessor processor;

  @AfterEach
  void close() {
    if (processor != null) {
      processor.close();
    }
  }

  private DagProcessor processor() {
    processor = new DagProcessor(dags, false);
    return processor;
  }

  static String dagYaml(String dagId, String command) {
    return "dag_id: " + dagId + "\ntasks:\n  - task_id: t\n    type: shell\n    command: " + command + "\n";
  }

  private Path write(String name, String text) throws IOException {
    Path file = dags.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void brokenFileBesideAGoodOneLoadsTheGoodOne() throws IOException {
    write("good.yaml", dagYaml("good", "echo ok"));
    Path bad = write("bad.yml", "dag_id: bad\ntasks:\n  - task_id: t\n    type: noop\n    colour: red\n");

    DagBag bag = processor().refresh();

    assertThat(bag.dags()).containsOnlyKeys("good");
    assertThat(bag.importErrors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(bad.toString());
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.message()).contains("colour");
    });
  }

  @Test
  void walksSubfoldersSkipsOtherFilesAndSortsByDagId() throws IOException {
    write("b.yaml", dagYaml("zeta", "echo z"));
    write("team/a/nested.yml", dagYaml("alpha", "echo a"));
    write("notes.txt", "not a dag");
    write(".hidden/skip.yaml", "this: is not parsed");

    DagBag bag = processor().refresh();

    assertThat(bag.dags().keySet()).containsExactly("alpha", "zeta");
    assertThat(bag.importErrors()).isEmpty();
    assertThat(bag.dag("alpha").orElseThrow().fileloc())
        .isEqualTo(dags.resolve("team/a/nested.yml").toString());
  }

  @Test
  void unchangedFileIsNotReparsedAndChangedFileIs() throws IOException {
    write("one.yaml", dagYaml("one", "echo 1"));
    Path two = write("two.yaml", dagYaml("two", "echo 2"));
    DagProcessor p = processor();
    p.refresh();
    assertThat(p.parseCount()).isEqualTo(2);

    p.refresh();
    assertThat(p.parseCount()).isEqualTo(2);

    Files.writeString(two, dagYaml("two", "echo 3")); // same size: the content hash tells
    DagBag bag = p.refresh();
    assertThat(p.parseCount()).isEqualTo(3);
    assertThat(bag.dags().get("two").task("t").spec()).isEqualTo(TaskSpec.shell("echo 3"));
    assertThat(bag.dags().get("one").task("t").spec()).isEqualTo(TaskSpec.shell("echo 1"));
  }

  @Test
  void deletedFileDropsItsDag() throws IOException {
    write("keep.yaml", dagYaml("keep", "echo k"));
    Path gone = write("gone.yaml", dagYaml("gone", "echo g"));
    DagProcessor p = processor();
    assertThat(p.refresh().dags()).containsOnlyKeys("keep", "gone");

    Files.delete(gone);

    assertThat(p.refresh().dags()).containsOnlyKeys("keep");
  }

  @Test
  void fixingABrokenFileClearsItsError() throws IOException {
    Path file = write("fix.yaml", "dag_id: fix\ntasks: [");
    DagProcessor p = processor();
    assertThat(p.refresh().importErrors()).hasSize(1);

    Files.writeString(file, dagYaml("fix", "echo fixed"));

    DagBag bag = p.refresh();
    assertThat(bag.importErrors()).isEmpty();
    assertThat(bag.dags()).containsOnlyKeys("fix");
  }

  @Test
  void sameDagIdInTwoFilesKeepsTheFirstAndNamesBoth() throws IOException {
    Path first = write("a.yaml", dagYaml("twin", "echo a"));
    Path second = write("b.yaml", "# the copy\n" + dagYaml("twin", "echo b"));

    DagBag bag = processor().refresh();

    assertThat(bag.dags().get("twin").fileloc()).isEqualTo(first.toString());
    assertThat(bag.importErrors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(second.toString());
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.message()).contains("twin").contains(first.toString());
    });
  }

  @Test
  void missingDagsFolderIsCreated(@TempDir Path home) {
    Path folder = home.resolve("not/yet/dags");
    processor = new DagProcessor(folder, false);

    DagBag bag = processor.refresh();

    assertThat(folder).isDirectory();
    assertThat(bag.dags()).isEmpty();
    assertThat(bag.importErrors()).isEmpty();
  }

  @Test
  void bundledExamplesLoadWithoutErrors() {
    processor = new DagProcessor(dags, true);

    DagBag bag = processor.refresh();

    assertThat(bag.importErrors()).isEmpty();
    assertThat(bag.dags()).containsKeys("example_etl", "example_complex", "example_retry",
        "example_heartbeat");
    assertThat(bag.dags().values()).allSatisfy(d -> assertThat(d.tags()).contains("example"));
    assertThat(bag.dags().get("example_etl").fileloc()).isEqualTo(Path.of("examples", "example_etl.yaml").toString());
    assertThat(bag.dags().get("example_etl").schedule()).isEqualTo("0 * * * *");
    assertThat(bag.dags().get("example_heartbeat").paused()).isFalse();
    assertThat(bag.dags().get("example_complex").tasks()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(bag.dags().get("example_retry").task("flaky").retry().retries()).isEqualTo(1);

    int parses = processor.parseCount();
    processor.refresh();
    assertThat(processor.parseCount()).isEqualTo(parses);
  }

  @Test
  void jarWithADagFactoryLoadsItsDags() throws IOException {
    Path jar = writeJar("java-dags.jar", TestDagFactory.class.getName());

    DagBag bag = processor().refresh();

    assertThat(bag.importErrors()).isEmpty();
    Dag dag = bag.dags().get("from_jar");
    assertThat(dag.fileloc()).isEqualTo(jar.toString());
    assertThat(dag.task("done").dependsOn()).containsExactly("hello");
    assertThat(processor.classLoaderFor(jar.toString())).isPresent();
  }

  @Test
  void failingFactoryIsAnImportErrorForItsJarOnly() throws IOException {
    Path jar = writeJar("broken.jar", FailingDagFactory.class.getName());
    write("fine.yaml", dagYaml("fine", "echo fine"));

    DagBag bag = processor().refresh();

    assertThat(bag.dags()).containsOnlyKeys("fine");
    assertThat(bag.importErrors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo(jar.toString());
      assertThat(e.line()).isZero();
      assertThat(e.message()).contains(FailingDagFactory.class.getName()).contains("ghost");
    });
  }

  @Test
  void jarWithoutFactoryOrNotAJarIsAnImportError() throws IOException {
    writeJar("empty.jar", null);
    write("garbage.jar", "not a zip");

    DagBag bag = processor().refresh();

    assertThat(bag.dags()).isEmpty();
    assertThat(bag.importErrors()).hasSize(2).allSatisfy(e -> assertThat(e.line()).isZero());
  }

  /** A jar whose service file names {@code factoryClass} (found on the test classpath), or none. */
  private Path writeJar(String name, String factoryClass) throws IOException {
    Path jar = dags.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("README.txt"));
      j.write("test jar".getBytes(StandardCharsets.UTF_8));
      if (factoryClass != null) {
        j.putNextEntry(new JarEntry(JarDags.SERVICE_FILE));
        j.write((factoryClass + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return jar;
  }
}
