package io.contrail.roles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Java tasks load from the application classpath plus every jar in dags_folder, found on first use. */
final class TaskClassLoader implements Supplier<ClassLoader> {
  private final Path dagsFolder;
  private volatile ClassLoader loader;

  TaskClassLoader(Path dagsFolder) {
    this.dagsFolder = dagsFolder;
  }

  @Override
  public ClassLoader get() {
    if (loader == null) {
      synchronized (this) {
        if (loader == null) {
          loader = new URLClassLoader(jars().toArray(URL[]::new), TaskClassLoader.class.getClassLoader());
        }
      }
    }
    return loader;
  }

  private List<URL> jars() {
    List<URL> jars = new ArrayList<>();
    if (Files.isDirectory(dagsFolder)) {
      try (Stream<Path> files = Files.walk(dagsFolder)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(p.toUri().toURL());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return jars;
  }
}
