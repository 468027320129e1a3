package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar whose factory class exists only inside the jar, as a user's would: compiled on the fly. */
class DagProcessorJarCompileTest {
  private static final String FACTORY = """
      package demo;
      import io.contrail.api.*;
      import java.util.List;
      public class UserFactory implements DagFactory {
        public List<Dag> createDags() {
          return List.of(Dag.builder("%s").task(TaskDefinition.builder("only", TaskSpec.noop())).build());
        }
      }
      """;
  /** A factory built against the name the Java API had before io.contrail.api. */
  private static final String LEGACY_FACTORY = """
      package demo;
      import io.contrail.api.Dag;
      import io.contrail.api.TaskDefinition;
      import io.contrail.api.TaskSpec;
      import java.util.List;
      public class UserFactory implements io.contrail.dag.DagFactory {
        public List<Dag> createDags() {
          return List.of(Dag.builder("%s").task(TaskDefinition.builder("only", TaskSpec.noop())).build());
        }
      }
      """;

  @TempDir Path work;

  @Test
  void factoryClassLivingOnlyInTheJarIsLoadedAndReloadedWhenTheJarChanges() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assumeTrue(javac != null, "needs a JDK");
    Path dags = Files.createDirectories(work.resolve("dags"));
    Path jar = dags.resolve("user-dags.jar");
    buildJar(javac, jar, FACTORY, JarDags.SERVICE_FILE, "user_dag_v1");

    try (DagProcessor processor = new DagProcessor(dags, false)) {
      DagBag bag = processor.refresh();
      assertThat(bag.importErrors()).isEmpty();
      assertThat(bag.dags()).containsOnlyKeys("user_dag_v1");
      ClassLoader loader = processor.classLoaderFor(jar.toString()).orElseThrow();
      assertThat(loader.loadClass("demo.UserFactory").getClassLoader()).isSameAs(loader);

      buildJar(javac, jar, FACTORY, JarDags.SERVICE_FILE, "user_dag_v2");
      assertThat(processor.refresh().dags()).containsOnlyKeys("user_dag_v2");
    }
  }

  @Test
  void jarBuiltAgainstTheOldFactoryNameStillLoads() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assumeTrue(javac != null, "needs a JDK");
    Path dags = Files.createDirectories(work.resolve("dags"));
    buildJar(javac, dags.resolve("old.jar"), LEGACY_FACTORY, JarDags.LEGACY_SERVICE_FILE, "old_style");

    try (DagProcessor processor = new DagProcessor(dags, false)) {
      DagBag bag = processor.refresh();
      assertThat(bag.importErrors()).isEmpty();
      assertThat(bag.dags()).containsOnlyKeys("old_style");
    }
  }

  private void buildJar(JavaCompiler javac, Path jar, String source, String serviceFile, String dagId)
      throws IOException {
    Path src = Files.createDirectories(work.resolve("src-" + dagId + "/demo"));
    Path out = Files.createDirectories(work.resolve("out-" + dagId));
    Files.writeString(src.resolve("UserFactory.java"), source.formatted(dagId));
    String classpath = Path.of(io.contrail.api.DagFactory.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath()).toString();
    int rc = javac.run(null, null, null, "-d", out.toString(), "-cp", classpath,
        src.resolve("UserFactory.java").toString());
    assertThat(rc).isZero();
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os)) {
      j.putNextEntry(new JarEntry("demo/UserFactory.class"));
      j.write(Files.readAllBytes(out.resolve("demo/UserFactory.class")));
      j.putNextEntry(new JarEntry(serviceFile));
      j.write("# user factories\ndemo.UserFactory\n".getBytes(StandardCharsets.UTF_8));
    }
  }
}
