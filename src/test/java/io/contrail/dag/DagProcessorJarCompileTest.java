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
  @TempDir Path work;

  @Test
  void factoryClassLivingOnlyInTheJarIsLoadedAndReloadedWhenTheJarChanges() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assumeTrue(javac != null, "needs a JDK");
    Path dags = Files.createDirectories(work.resolve("dags"));
    Path jar = dags.resolve("user-dags.jar");

    buildJar(javac, jar, "user_dag_v1");
    try (DagProcessor processor = new DagProcessor(dags, false)) {
      DagBag bag = processor.refresh();
      assertThat(bag.importErrors()).isEmpty();
      assertThat(bag.dags()).containsOnlyKeys("user_dag_v1");
      ClassLoader loader = processor.classLoaderFor(jar.toString()).orElseThrow();
      assertThat(loader.loadClass("demo.UserFactory").getClassLoader()).isSameAs(loader);

      buildJar(javac, jar, "user_dag_v2");
      assertThat(processor.refresh().dags()).containsOnlyKeys("user_dag_v2");
    }
  }

  private void buildJar(JavaCompiler javac, Path jar, String dagId) throws IOException {
    Path src = Files.createDirectories(work.resolve("src-" + dagId + "/demo"));
    Path out = Files.createDirectories(work.resolve("out-" + dagId));
    Files.writeString(src.resolve("UserFactory.java"), """
        package demo;
        import io.contrail.dag.*;
        import java.util.List;
        public class UserFactory implements DagFactory {
          public List<Dag> createDags() {
            return List.of(new Dag("%s", null, null, null, false, null, 0, 0, null,
                List.of(TaskDefinition.builder("only", TaskType.NOOP).build()), null));
          }
        }
        """.formatted(dagId));
    String classpath = Path.of(DagFactory.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath()).toString();
    int rc = javac.run(null, null, null, "-d", out.toString(), "-cp", classpath,
        src.resolve("UserFactory.java").toString());
    assertThat(rc).isZero();
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os)) {
      j.putNextEntry(new JarEntry("demo/UserFactory.class"));
      j.write(Files.readAllBytes(out.resolve("demo/UserFactory.class")));
      j.putNextEntry(new JarEntry(JarDags.SERVICE_FILE));
      j.write("# user factories\ndemo.UserFactory\n".getBytes(StandardCharsets.UTF_8));
    }
  }
}
