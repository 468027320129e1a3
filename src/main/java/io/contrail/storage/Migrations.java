package io.contrail.storage;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versions of the migrations this build ships (SQL files and Java migrations under {@code
 * db/migration}), read from the jar's directory or the classes folder without starting Flyway.
 */
final class Migrations {
  private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9_.]*)__[^/]*\\.(sql|class)");

  private Migrations() {}

  /** The shipped versions as Flyway records them ("80", "1.1"); empty when they cannot be listed. */
  static Set<String> versions() {
    Set<String> versions = new TreeSet<>();
    try {
      URL url = Migrations.class.getClassLoader().getResource(Database.MIGRATIONS);
      if (url == null) {
        return Set.of();
      }
      if ("jar".equals(url.getProtocol())) {
        JarURLConnection conn = (JarURLConnection) url.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = conn.getJarFile()) {
          Enumeration<JarEntry> entries = jar.entries();
          String prefix = Database.MIGRATIONS + "/";
          while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
              add(versions, name.substring(prefix.length()));
            }
          }
        }
      } else if ("file".equals(url.getProtocol())) {
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
          files.forEach(f -> add(versions, f.getFileName().toString()));
        }
      } else {
        return Set.of();
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return Set.of(); // Flyway then checks the schema itself
    }
    return versions;
  }

  private static void add(Set<String> versions, String fileName) {
    Matcher m = VERSIONED.matcher(fileName);
    if (m.matches()) {
      versions.add(m.group(1).replace('_', '.'));
    }
  }
}
