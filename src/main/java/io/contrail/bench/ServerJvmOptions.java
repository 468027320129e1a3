package io.contrail.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM settings the launcher gives a server role, read from the file the launcher reads
 * ({@code scripts/server-jvm.options}), so a benchmark's scheduler and worker processes start as
 * {@code ./contrail scheduler} would: the file's options, then {@code CONTRAIL_JAVA_OPTS} (which
 * wins; a collector it selects replaces the file's), and the file's environment variables unless
 * already set.
 */
record ServerJvmOptions(List<String> jvmOptions, Map<String, String> environment) {
  static final String FILE = "scripts/server-jvm.options";
  private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use[A-Za-z0-9]+GC");
  private static final Pattern VARIABLE = Pattern.compile("[A-Z_][A-Z0-9_]*=.*");
  /** "scheduler,worker: -Xmx128m": an option for those roles only. */
  private static final Pattern FOR_ROLES = Pattern.compile("([a-z-]+(?:,[a-z-]+)*): +(\\S+)");

  /**
   * The settings of {@code file} for the server role {@code role} ({@code scheduler}, {@code
   * worker} ...) with {@code userOptions} (CONTRAIL_JAVA_OPTS, may be blank) after them.
   */
  static ServerJvmOptions read(Path file, String userOptions, String role) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the server roles' JVM settings " + file, e);
    }
    return parse(lines, userOptions == null ? "" : userOptions, role);
  }

  static ServerJvmOptions parse(List<String> lines, String userOptions, String role) {
    List<String> user = userOptions.isBlank() ? List.of() : List.of(userOptions.strip().split("\\s+"));
    boolean userCollector = user.stream().anyMatch(o -> COLLECTOR.matcher(o).matches());
    List<String> options = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher forRoles = FOR_ROLES.matcher(line);
      if (VARIABLE.matcher(line).matches()) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      } else if (forRoles.matches()) {
        if (List.of(forRoles.group(1).split(",")).contains(role)) {
          options.add(forRoles.group(2));
        }
      } else if (!(userCollector && COLLECTOR.matcher(line).matches())) {
        options.add(line);
      }
    }
    options.addAll(user);
    return new ServerJvmOptions(List.copyOf(options), Map.copyOf(env));
  }
}
