package io.contrail.dag;

import io.contrail.api.Dag;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads the DAGs of one jar in {@code dags_folder}: a class loader over the jar (parent: the
 * application's), then every {@link DagFactory} the jar itself declares in
 * {@code META-INF/services}. A factory that throws becomes an import error for the jar; the jar's
 * other factories still load.
 */
final class JarDags {
  static final String SERVICE_FILE = "META-INF/services/" + io.contrail.api.DagFactory.class.getName();
  /** The service name of jars built before the Java API moved to io.contrail.api. */
  @SuppressWarnings("deprecation")
  static final String LEGACY_SERVICE_FILE = "META-INF/services/" + DagFactory.class.getName();

  /** The jar's result and the loader its classes live in (null if it could not be opened). */
  record Loaded(DagProcessor.FileResult result, URLClassLoader loader) {}

  private JarDags() {}

  static Loaded load(Path jar) {
    String file = jar.toString();
    Set<String> declared;
    try {
      declared = declaredFactories(jar);
    } catch (IOException | RuntimeException e) {
      return new Loaded(DagProcessor.FileResult.failed(file, 0, "not a readable jar: " + e), null);
    }
    if (declared.isEmpty()) {
      return new Loaded(DagProcessor.FileResult.failed(file, 0,
          "jar declares no DagFactory in " + SERVICE_FILE), null);
    }
    URLClassLoader loader;
    try {
      loader = new URLClassLoader("dags:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
          DagProcessor.class.getClassLoader());
    } catch (IOException | RuntimeException e) {
      return new Loaded(DagProcessor.FileResult.failed(file, 0, "cannot open jar: " + e), null);
    }
    List<DagProcessor.LocatedDag> dags = new ArrayList<>();
    List<ImportError> errors = new ArrayList<>();
    try {
      // ServiceLoader also sees the parent's providers; keep only the ones this jar declares, once
      // each even when the jar lists a factory under both service names.
      Set<String> seen = new java.util.HashSet<>();
      for (ServiceLoader.Provider<? extends io.contrail.api.DagFactory> provider : providers(loader)
          .filter(p -> declared.contains(p.type().getName()) && seen.add(p.type().getName())).toList()) {
        String name = provider.type().getName();
        try {
          List<Dag> created = provider.get().createDags();
          for (Dag dag : created == null ? List.<Dag>of() : created) {
            List<ImportError> tooLong = StorageLimits.check(dag.withFileloc(file), file, null);
            if (tooLong.isEmpty()) {
              dags.add(new DagProcessor.LocatedDag(dag.withFileloc(file), 0));
            } else {
              tooLong.forEach(e -> errors.add(new ImportError(file, 0, "DAG '" + dag.dagId() + "': " + e.message())));
            }
          }
        } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
          errors.add(new ImportError(file, 0, "DagFactory " + name + " failed: " + e));
        }
      }
    } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
      errors.add(new ImportError(file, 0, "cannot load DagFactory from jar: " + e));
    }
    return new Loaded(new DagProcessor.FileResult(file, dags, errors), loader);
  }

  /** The factories under either service name; ServiceLoader also sees the parent's providers. */
  @SuppressWarnings("deprecation")
  private static Stream<ServiceLoader.Provider<? extends io.contrail.api.DagFactory>> providers(ClassLoader loader) {
    return Stream.concat(ServiceLoader.load(io.contrail.api.DagFactory.class, loader).stream(),
        ServiceLoader.load(DagFactory.class, loader).stream());
  }

  /** Provider class names listed in the jar's own service files, ignoring comments. */
  private static Set<String> declaredFactories(Path jar) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    try (JarFile jarFile = new JarFile(jar.toFile())) {
      for (String file : List.of(SERVICE_FILE, LEGACY_SERVICE_FILE)) {
        JarEntry entry = jarFile.getJarEntry(file);
        if (entry == null) {
          continue;
        }
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(jarFile.getInputStream(entry), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!name.isEmpty()) {
              names.add(name);
            }
          }
        }
      }
    }
    return names;
  }
}
