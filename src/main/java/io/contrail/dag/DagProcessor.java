package io.contrail.dag;

import io.contrail.api.Dag;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link DagBag} of a {@code dags_folder} up to date: each {@link #refresh()} walks the
 * folder for {@code .yaml}/{@code .yml} files and {@code .jar}s of {@link DagFactory}s, re-parses
 * only the files whose content changed, forgets files that disappeared, and returns the whole bag.
 * A broken file becomes an {@link ImportError} and never stops the others; a dag_id defined twice
 * is kept from the first file in path order and reported as an error in the second. What the
 * folder holds that cannot be read — a file or folder without permission, a dangling symbolic
 * link, a link loop, a FIFO named like a DAG file — is an import error too, never skipped
 * silently. A YAML file larger than {@code [core] max_dag_file_bytes} is an import error without
 * being read, one that takes longer than {@code [core] dagbag_import_timeout_ms} to parse is given
 * up, and a value longer than the database stores ({@link StorageLimits}) is an import error
 * naming file, line and key. With a {@link ParseCache}, a file some process already parsed is not
 * parsed again.
 */
public final class DagProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DagProcessor.class);
  static final String EXAMPLES_INDEX = "io/contrail/examples/index.txt";
  static final String EXAMPLES_DIR = "io/contrail/examples/";

  /** The default [core] max_dag_file_bytes: 1 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 1 << 20;
  /** The default [core] dagbag_import_timeout_ms. */
  public static final Duration DEFAULT_PARSE_TIMEOUT = Duration.ofSeconds(30);

  private final Path dagsFolder;
  private final boolean loadExamples;
  private final long maxFileBytes;
  private final Duration parseTimeout;
  private final DagParser parser = new DagParser();
  private final ParseCache parseCache;
  private final Map<Path, CachedFile> cache = new HashMap<>();
  private List<FileResult> examples;
  private int parseCount;
  private String lastFingerprint;

  /** A DAG and the line of its dag_id key (0 when it came from a jar). */
  record LocatedDag(Dag dag, int line) {}

  /** What one file yielded: its DAGs and its errors. */
  record FileResult(String file, List<LocatedDag> dags, List<ImportError> errors) {
    static FileResult failed(String file, int line, String message) {
      return new FileResult(file, List.of(), List.of(new ImportError(file, line, message)));
    }
  }

  /** A file as last parsed; the class loader of a jar stays open so java tasks can load classes. */
  private record CachedFile(long size, long lastModified, String sha256, FileResult result,
      URLClassLoader loader) {}

  public DagProcessor(Path dagsFolder, boolean loadExamples) {
    this(dagsFolder, loadExamples, DEFAULT_MAX_FILE_BYTES, DEFAULT_PARSE_TIMEOUT, ParseCache.NONE);
  }

  /**
   * @param maxFileBytes YAML files larger than this are not read ([core] max_dag_file_bytes)
   * @param parseTimeout how long one file may take to parse ([core] dagbag_import_timeout_ms)
   */
  public DagProcessor(Path dagsFolder, boolean loadExamples, long maxFileBytes, Duration parseTimeout) {
    this(dagsFolder, loadExamples, maxFileBytes, parseTimeout, ParseCache.NONE);
  }

  /** A processor that shares what it parsed with the other processes of the installation at {@code home}. */
  public static DagProcessor sharingParsesIn(Path home, Path dagsFolder, boolean loadExamples, long maxFileBytes,
      Duration parseTimeout) {
    return new DagProcessor(dagsFolder, loadExamples, maxFileBytes, parseTimeout, ParseCache.in(home));
  }

  DagProcessor(Path dagsFolder, boolean loadExamples, long maxFileBytes, Duration parseTimeout,
      ParseCache parseCache) {
    this.dagsFolder = dagsFolder;
    this.loadExamples = loadExamples;
    this.maxFileBytes = maxFileBytes;
    this.parseTimeout = parseTimeout;
    this.parseCache = parseCache;
  }

  public Path dagsFolder() {
    return dagsFolder;
  }

  /** How many files (examples included) have been parsed or loaded since construction. */
  public synchronized int parseCount() {
    return parseCount;
  }

  public synchronized DagBag refresh() {
    List<FileResult> results = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try {
      Files.createDirectories(dagsFolder);
      files = listDagFiles(results);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot list dags_folder {}: {}", dagsFolder, e.toString());
      results.add(FileResult.failed(dagsFolder.toString(), 0, "cannot read dags_folder: " + describe(e)));
    }
    boolean listed = results.isEmpty();
    Set<Path> present = new HashSet<>(files);
    for (Iterator<Map.Entry<Path, CachedFile>> it = cache.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Path, CachedFile> e = it.next();
      if (!present.contains(e.getKey())) {
        closeLoader(e.getValue());
        parseCache.forget(e.getKey());
        it.remove();
      }
    }
    for (Path file : files) {
      FileResult r = refreshFile(file);
      if (r != null) {
        results.add(r);
      }
    }
    if (loadExamples) {
      if (examples == null) {
        examples = loadExamples();
      }
      results.addAll(examples);
    }
    lastFingerprint = listed ? fingerprint(files, file -> {
      CachedFile f = cache.get(file);
      return f == null ? "gone" : contentKey(f.sha256(), f.size(), f.lastModified());
    }) : null;
    return assemble(results);
  }

  /**
   * What {@link #refresh} would parse, without parsing it: a SHA-256 over every DAG file's path
   * and content hash (size and modification time for a file too big to read), the parser build
   * and the settings that change what a file yields. Equal fingerprints mean a refresh yields the
   * same DAGs and import errors. Null when the folder or a file cannot be read (then only a
   * refresh says what is there).
   */
  public synchronized String fingerprint() {
    List<FileResult> problems = new ArrayList<>();
    List<Path> files;
    try {
      files = listDagFiles(problems);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return fingerprint(files, file -> {
      try {
        long size = Files.size(file);
        if (!file.toString().endsWith(".jar") && size > maxFileBytes) {
          return contentKey(null, size, Files.getLastModifiedTime(file).toMillis());
        }
        return contentKey(ParseCache.sha256(Files.readAllBytes(file)), size, 0);
      } catch (IOException e) {
        return null;
      }
    });
  }

  /** The fingerprint of the folder as the last {@link #refresh} read it; null if it could not list it. */
  public synchronized String lastFingerprint() {
    return lastFingerprint;
  }

  private String fingerprint(List<Path> files, Function<Path, String> contentKey) {
    StringBuilder b = new StringBuilder().append(dagsFolder).append('\n').append(ParseCache.PARSER_BUILD)
        .append("\nexamples=").append(loadExamples).append("\nmax_dag_file_bytes=").append(maxFileBytes)
        .append("\ntimeout_ms=").append(parseTimeout.toMillis()).append('\n');
    for (Path file : files) {
      String key = contentKey.apply(file);
      if (key == null) {
        return null;
      }
      b.append(file).append('\0').append(key).append('\n');
    }
    return ParseCache.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A file's content as a fingerprint names it: its hash, or size and time when it was too big to read. */
  private static String contentKey(String sha256, long size, long lastModified) {
    return sha256 != null ? sha256 : "too-big:" + size + ":" + lastModified;
  }

  /** The class loader of the jar a DAG came from, for java tasks defined in that jar. */
  public synchronized Optional<ClassLoader> classLoaderFor(String fileloc) {
    return cache.entrySet().stream()
        .filter(e -> e.getKey().toString().equals(fileloc) && e.getValue().loader() != null)
        .map(e -> (ClassLoader) e.getValue().loader())
        .findFirst();
  }

  @Override
  public synchronized void close() {
    cache.values().forEach(DagProcessor::closeLoader);
    cache.clear();
  }

  /** The DAG files under dags_folder in path order; what cannot be read is added to {@code problems}. */
  private List<Path> listDagFiles(List<FileResult> problems) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(dagsFolder, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (isHidden(file) || !isDagFileName(file)) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isRegularFile()) {
              files.add(file);
            } else if (attrs.isSymbolicLink()) {
              // FOLLOW_LINKS hands over the link itself only when its target does not exist
              problems.add(FileResult.failed(file.toString(), 0, "dangling symbolic link: its target "
                  + linkTarget(file) + " does not exist"));
            } else if (attrs.isOther()) {
              // reading a FIFO would block the scan until something writes to it
              problems.add(FileResult.failed(file.toString(), 0,
                  "not a regular file (a FIFO, socket or device), so it is not read"));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (e instanceof NoSuchFileException || isHidden(file)) {
              return FileVisitResult.CONTINUE; // gone since it was listed, or not ours to read
            }
            if (e instanceof FileSystemLoopException) {
              problems.add(FileResult.failed(file.toString(), 0,
                  "symbolic link loop: this folder links back to one that contains it, so it is not scanned"));
            } else if (Files.isDirectory(file) || isDagFileName(file)) {
              String what = Files.isDirectory(file) ? "cannot read folder: " : "cannot read file: ";
              problems.add(FileResult.failed(file.toString(), 0, what + describe(e)));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(Comparator.comparing(Path::toString));
    return files;
  }

  private boolean isHidden(Path path) {
    // Hidden files and folders hold editor and VCS state (.git, .idea), never DAGs.
    return !path.equals(dagsFolder) && path.getFileName() != null && path.getFileName().toString().startsWith(".");
  }

  private static boolean isDagFileName(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".jar");
  }

  private static String linkTarget(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | RuntimeException e) {
      return "(unreadable)";
    }
  }

  /** An I/O failure as a user reads it: "permission denied", not a class name and "line 0". */
  static String describe(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Re-parses {@code file} if its content changed; null if it vanished meanwhile. */
  private FileResult refreshFile(Path file) {
    byte[] bytes;
    long size;
    long lastModified;
    try {
      size = Files.size(file);
      lastModified = Files.getLastModifiedTime(file).toMillis();
      boolean yaml = !file.toString().endsWith(".jar");
      if (yaml && size > maxFileBytes) {
        CachedFile old = cache.get(file);
        if (old != null && old.sha256() == null && old.size() == size && old.lastModified() == lastModified) {
          return old.result();
        }
        closeLoader(old);
        FileResult tooBig = FileResult.failed(file.toString(), 0, "the file is " + size + " bytes, more than"
            + " [core] max_dag_file_bytes (" + maxFileBytes + "); it was not parsed");
        cache.put(file, new CachedFile(size, lastModified, null, tooBig, null));
        return tooBig;
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return FileResult.failed(file.toString(), 0, "cannot read file: " + describe(e));
    }
    String hash = ParseCache.sha256(bytes);
    CachedFile old = cache.get(file);
    if (old != null && hash.equals(old.sha256())) {
      // Same content: a touched or copied-over file parses the same, so keep the old result.
      if (old.size() != size || old.lastModified() != lastModified) {
        cache.put(file, new CachedFile(size, lastModified, hash, old.result(), old.loader()));
      }
      return old.result();
    }
    if (old != null) {
      closeLoader(old);
    }
    CachedFile fresh;
    if (file.toString().endsWith(".jar")) {
      parseCount++;
      JarDags.Loaded jar = JarDags.load(file);
      fresh = new CachedFile(size, lastModified, hash, jar.result(), jar.loader());
    } else {
      Optional<FileResult> parsedBefore = parseCache.lookup(file, hash);
      FileResult result;
      if (parsedBefore.isPresent()) {
        result = parsedBefore.get(); // another process parsed this content already
      } else {
        parseCount++;
        result = parseYaml(file, bytes);
        parseCache.store(file, hash, result);
      }
      fresh = new CachedFile(size, lastModified, hash, result, null);
    }
    cache.put(file, fresh);
    // the import errors are logged once, by whoever syncs the bag (DagSync), not here as well
    return fresh.result();
  }

  private FileResult parseYaml(Path file, byte[] bytes) {
    try (ParseBudget budget = ParseBudget.start(parseTimeout)) {
      try {
        DagParser.Parsed parsed = parser.parseDetailed(file, bytes);
        List<ImportError> tooLong = StorageLimits.check(parsed.dag(), file.toString(), parsed.doc());
        if (!tooLong.isEmpty()) {
          return new FileResult(file.toString(), List.of(), tooLong);
        }
        return new FileResult(file.toString(),
            List.of(new LocatedDag(parsed.dag(), parsed.dagIdLine())), List.of());
      } catch (DagImportException e) {
        if (budget.exceeded()) {
          return FileResult.failed(file.toString(), 0, "parsing took longer than [core] dagbag_import_timeout_ms ("
              + parseTimeout.toMillis() + " ms); it was given up");
        }
        return new FileResult(file.toString(), List.of(), List.of(e.toImportError()));
      }
    } catch (RuntimeException e) {
      // A parser bug must not take the other files down with it.
      LOG.error("Unexpected error parsing {}", file, e);
      return FileResult.failed(file.toString(), 0, "unexpected error: " + e);
    }
  }

  private List<FileResult> loadExamples() {
    List<FileResult> out = new ArrayList<>();
    ClassLoader cl = DagProcessor.class.getClassLoader();
    for (String name : readResource(cl, EXAMPLES_INDEX).orElse("").split("\\R")) {
      name = name.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      Path fileloc = Path.of("examples", name);
      Optional<String> text = readResource(cl, EXAMPLES_DIR + name);
      parseCount++;
      out.add(text.isPresent() ? parseYaml(fileloc, text.get().getBytes(StandardCharsets.UTF_8))
          : FileResult.failed(fileloc.toString(), 0, "bundled example is missing from the classpath"));
    }
    return List.copyOf(out);
  }

  private static Optional<String> readResource(ClassLoader cl, String name) {
    try (InputStream in = cl.getResourceAsStream(name)) {
      return in == null ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("Cannot read resource {}", name, e);
      return Optional.empty();
    }
  }

  /** Builds the bag in path order: the first file to define a dag_id keeps it. */
  private static DagBag assemble(List<FileResult> results) {
    Map<String, Dag> dags = new LinkedHashMap<>();
    List<ImportError> errors = new ArrayList<>();
    for (FileResult r : results) {
      errors.addAll(r.errors());
      for (LocatedDag located : r.dags()) {
        Dag dag = located.dag();
        Dag first = dags.putIfAbsent(dag.dagId(), dag);
        if (first != null) {
          errors.add(new ImportError(r.file(), located.line(), "dag_id '" + dag.dagId()
              + "' is already defined in " + first.fileloc() + "; this definition is ignored"));
        }
      }
    }
    errors.sort(Comparator.comparing(ImportError::file).thenComparingInt(ImportError::line));
    return new DagBag(dags, errors);
  }

  private static void closeLoader(CachedFile f) {
    if (f != null && f.loader() != null) {
      try {
        f.loader().close();
      } catch (IOException e) {
        LOG.warn("Cannot close class loader of a DAG jar", e);
      }
    }
  }
}
