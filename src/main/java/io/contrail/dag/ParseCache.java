package io.contrail.dag;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.contrail.api.Dag;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What parsing each YAML file of dags_folder yielded, kept between processes under {@code
 * CONTRAIL_HOME/cache/dag-files/}: a CLI command is a process of its own, and without this it
 * would parse every file again, however big or broken, every time. An entry is used only for the
 * same path, the same content (SHA-256) and the same parser build (the time the parser's class
 * file or jar was built), so it can never be stale; it is derived data only — the database stays
 * the source of truth — and a cache that cannot be read or written only costs a parse.
 */
final class ParseCache {
  private static final Logger LOG = LoggerFactory.getLogger(ParseCache.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  /** Changes whenever the parser is rebuilt, so a new validation rule re-checks every file. */
  static final String PARSER_BUILD = parserBuild();

  /** No cache: every process parses for itself. */
  static final ParseCache NONE = new ParseCache(null);

  private final Path folder;

  private ParseCache(Path folder) {
    this.folder = folder;
  }

  /** The cache of the installation at {@code home}. */
  static ParseCache in(Path home) {
    return new ParseCache(home.resolve("cache").resolve("dag-files"));
  }

  /** One entry: the file's path and content hash, the parser build, and the result. */
  record Entry(String path, String sha256, String parser, List<Located> dags, List<ImportError> errors) {}

  /** A DAG of the file with the line of its dag_id key. */
  record Located(Dag dag, int line) {}

  /** The result of parsing {@code file} with content {@code sha256}, if this parser build did so before. */
  Optional<DagProcessor.FileResult> lookup(Path file, String sha256) {
    if (folder == null) {
      return Optional.empty();
    }
    try {
      Entry e = JSON.readValue(Files.readString(entryOf(file), StandardCharsets.UTF_8), Entry.class);
      if (!e.path().equals(file.toString()) || !e.sha256().equals(sha256) || !e.parser().equals(PARSER_BUILD)) {
        return Optional.empty();
      }
      return Optional.of(new DagProcessor.FileResult(e.path(),
          e.dags().stream().map(d -> new DagProcessor.LocatedDag(d.dag(), d.line())).toList(), e.errors()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read the parse cache entry of {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /** Remembers what parsing {@code file} with content {@code sha256} yielded. */
  void store(Path file, String sha256, DagProcessor.FileResult result) {
    if (folder == null) {
      return;
    }
    Entry entry = new Entry(file.toString(), sha256, PARSER_BUILD,
        result.dags().stream().map(d -> new Located(d.dag(), d.line())).toList(), result.errors());
    try {
      Files.createDirectories(folder);
      Path target = entryOf(file);
      // written aside and moved into place, so a process reading at the same time sees all or nothing
      Path tmp = Files.createTempFile(folder, target.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, JSON.writeValueAsString(entry), StandardCharsets.UTF_8);
        try {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot write the parse cache entry of {}: {}", file, e.toString());
    }
  }

  /** Forgets the entry of a file that is gone. */
  void forget(Path file) {
    if (folder == null) {
      return;
    }
    try {
      Files.deleteIfExists(entryOf(file));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot delete the parse cache entry of {}: {}", file, e.toString());
    }
  }

  private Path entryOf(Path file) {
    return folder.resolve(sha256(file.toString().getBytes(StandardCharsets.UTF_8)) + ".json");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static String parserBuild() {
    URL url = DagParser.class.getResource(DagParser.class.getSimpleName() + ".class");
    try {
      if (url != null && url.getProtocol().equals("file")) {
        return "class@" + Files.getLastModifiedTime(Path.of(url.toURI())).toMillis();
      }
      if (url != null && url.getProtocol().equals("jar")) {
        String jar = url.getPath().substring(0, url.getPath().indexOf("!/"));
        return "jar@" + Files.getLastModifiedTime(Path.of(new URL(jar).toURI())).toMillis();
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      LOG.debug("cannot tell when the DAG parser was built: {}", e.toString());
    }
    // unknown: a value no entry carries, so nothing cached is trusted
    return "unknown@" + System.nanoTime();
  }
}
