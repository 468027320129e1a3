package io.contrail.config;

import io.contrail.secrets.SecretNames;
import io.contrail.security.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ContrailConfig} at start-up: finds {@code CONTRAIL_HOME}, reads {@code
 * contrail.cfg} (writing one with commented defaults on first start), applies {@code
 * CONTRAIL__SECTION__KEY} environment overrides, and validates. Any problem is a {@link
 * ConfigException} naming the file line or variable, section, key and reason.
 */
public final class ConfigLoader {
  static final String FILE_NAME = "contrail.cfg";
  private static final String ENV_PREFIX = "CONTRAIL__";

  private ConfigLoader() {}

  /** Resolves CONTRAIL_HOME (env CONTRAIL_HOME, else ~/contrail). */
  public static Path resolveHome(Map<String, String> env) {
    String configured = env.get("CONTRAIL_HOME");
    if (configured == null || configured.isBlank()) {
      return Path.of(System.getProperty("user.home"), "contrail").toAbsolutePath().normalize();
    }
    return Path.of(Parser.expandTilde(configured.strip())).toAbsolutePath().normalize();
  }

  /**
   * Reads home/contrail.cfg (writing it with commented defaults first if it does not exist),
   * applies CONTRAIL__SECTION__KEY env overrides (section and key case-insensitive), validates.
   */
  public static ContrailConfig load(Path home, Map<String, String> env) throws ConfigException {
    Path absoluteHome = home.toAbsolutePath().normalize();
    Path file = absoluteHome.resolve(FILE_NAME);
    Map<String, Map<String, ConfigSchema.KeyDef>> schema = ConfigSchema.bySection();
    Settings settings = Settings.defaults(absoluteHome);
    String text = readOrCreate(file, absoluteHome);
    applyFile(file, text, schema, settings);
    warnIfPasswordExposed(file, text);
    applyEnv(env, schema, settings);
    return ConfigBinder.bind(absoluteHome, settings);
  }

  /** The text of the default contrail.cfg for this home (every key with default and comment). */
  public static String defaultFileText(Path home) {
    return ConfigSchema.defaultFileText(home.toAbsolutePath().normalize());
  }

  private static String readOrCreate(Path file, Path home) {
    try {
      if (Files.notExists(file)) {
        // CONTRAIL_HOME and its configuration are the user's alone (0700, 0600)
        PrivateFiles.createDirectories(home);
        try {
          PrivateFiles.writeNew(file, defaultFileText(home));
        } catch (FileAlreadyExistsException racedWithAnotherProcess) {
          // Another process started at the same time wrote it first; read theirs.
        }
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read or create " + file + ": " + e, e);
    }
  }

  /**
   * A start-up warning when contrail.cfg sets a password (or any key whose name looks secret) and
   * other users may read the file.
   */
  private static void warnIfPasswordExposed(Path file, String text) {
    if (!PrivateFiles.readableByOthers(file)) {
      return;
    }
    SecretNames names = SecretNames.defaults();
    for (IniParser.Entry e : IniParser.parse(text, file.toString()).entries()) {
      if (names.looksSecret(e.key()) && !e.value().isBlank()) {
        String mode;
        try {
          mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException ex) {
          mode = "readable by others";
        }
        LoggerFactory.getLogger(ConfigLoader.class).warn("{} sets [{}] {} and other users can read it ({}):"
            + " chmod 600 {}", file, e.section(), e.key(), mode, file);
        return;
      }
    }
  }

  private static void applyFile(Path file, String text,
      Map<String, Map<String, ConfigSchema.KeyDef>> schema, Settings settings) {
    String name = file.toString();
    IniParser.Ini ini = IniParser.parse(text, name);
    for (IniParser.Section section : ini.sections()) {
      if (!schema.containsKey(section.name())) {
        throw new ConfigException(
            name + " line " + section.line() + ": unknown section [" + section.name() + "]");
      }
    }
    Map<String, Integer> seen = new TreeMap<>();
    for (IniParser.Entry e : ini.entries()) {
      String where = name + " line " + e.line();
      Integer first = seen.putIfAbsent(e.section() + "." + e.key(), e.line());
      if (first != null) {
        throw new ConfigException(where + ": duplicate key '" + e.key() + "' in [" + e.section()
            + "] (first set at line " + first + ")");
      }
      if (e.section().equals(ConfigSchema.METRICS_TAGS)) {
        settings.putTag(e.key(), e.value());
      } else if (!schema.get(e.section()).containsKey(e.key())) {
        throw new ConfigException(
            where + ": unknown key '" + e.key() + "' in [" + e.section() + "]");
      } else {
        settings.put(e.section(), e.key(), e.value(),
            where + ": [" + e.section() + "] " + e.key());
      }
    }
  }

  private static void applyEnv(Map<String, String> env,
      Map<String, Map<String, ConfigSchema.KeyDef>> schema, Settings settings) {
    // Sorted so that, with several bad variables, the reported one does not depend on hash order.
    for (Map.Entry<String, String> var : new TreeMap<>(env).entrySet()) {
      String variable = var.getKey();
      if (!variable.startsWith(ENV_PREFIX)) {
        continue;
      }
      String rest = variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
      int split = rest.indexOf("__");
      if (split <= 0 || split + 2 >= rest.length()) {
        throw new ConfigException(
            variable + ": expected CONTRAIL__<SECTION>__<KEY>, e.g. CONTRAIL__CORE__PARALLELISM");
      }
      String section = rest.substring(0, split);
      String key = rest.substring(split + 2);
      if (!schema.containsKey(section)) {
        throw new ConfigException(variable + ": unknown section [" + section + "]");
      }
      String value = var.getValue().strip();
      if (section.equals(ConfigSchema.METRICS_TAGS)) {
        settings.putTag(key, value);
      } else if (!schema.get(section).containsKey(key)) {
        throw new ConfigException(variable + ": unknown key '" + key + "' in [" + section + "]");
      } else {
        settings.put(section, key, value, variable);
      }
    }
  }
}
