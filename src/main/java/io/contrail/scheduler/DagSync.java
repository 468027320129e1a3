package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.dag.DagBag;
import io.contrail.dag.DagProcessor;
import io.contrail.dag.ImportError;
import io.contrail.storage.DagStore;
import io.contrail.storage.Json;
import io.contrail.storage.PoolStore;
import io.contrail.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database's DAGs in step with dags_folder: re-scans (the processor re-parses only
 * changed files), writes DAGs whose definition changed, deactivates vanished ones, replaces the
 * import errors and creates the pools the tasks name. A DAG that cannot be written is one more
 * import error, never the end of the sync; an import error is logged once, when it appears.
 */
public final class DagSync {
  private static final Logger LOG = LoggerFactory.getLogger(DagSync.class);

  private final DagProcessor processor;
  private final DagStore dags;
  private final PoolStore pools;
  private final Clock clock;
  private final Telemetry telemetry;
  private final boolean pausedAtCreation;
  private final int defaultPoolSlots;
  private final Map<String, String> writtenHashes = new HashMap<>();
  private final Map<String, Dag> writtenDags = new HashMap<>();
  private boolean seeded;
  private Set<ImportError> lastErrors;
  private Optional<String> recordedFingerprint;

  public DagSync(DagProcessor processor, DagStore dags, PoolStore pools, Clock clock,
      Telemetry telemetry, boolean pausedAtCreation, int defaultPoolSlots) {
    this.processor = processor;
    this.dags = dags;
    this.pools = pools;
    this.clock = clock;
    this.telemetry = telemetry;
    this.pausedAtCreation = pausedAtCreation;
    this.defaultPoolSlots = defaultPoolSlots;
  }

  /**
   * Scans the folder and updates the database; returns the DAGs now loaded and every import error.
   * A DAG the database refuses becomes an import error of its file; every other DAG still syncs.
   */
  public DagBag sync() {
    long t0 = System.nanoTime();
    boolean storedAll = true;
    if (!seeded) {
      // a process starting up (every CLI command is one) need not rewrite the DAGs the database has already
      dags.summaries().stream().filter(DagStore.DagSummary::active)
          .forEach(d -> writtenHashes.put(d.dagId(), d.fileHash()));
      seeded = true;
    }
    DagBag bag = processor.refresh();
    Map<String, Dag> stored = new LinkedHashMap<>();
    List<ImportError> errors = new ArrayList<>(bag.importErrors());
    for (Dag dag : bag.dags().values()) {
      try {
        write(dag);
        stored.put(dag.dagId(), dag);
      } catch (RuntimeException e) {
        storedAll = false;
        writtenDags.remove(dag.dagId());
        writtenHashes.remove(dag.dagId());
        errors.add(new ImportError(dag.fileloc(), 0, "DAG '" + dag.dagId() + "' cannot be stored: " + e.getMessage()));
      }
    }
    writtenHashes.keySet().retainAll(stored.keySet());
    writtenDags.keySet().retainAll(stored.keySet());
    dags.deactivateAllExcept(stored.keySet());
    errors.sort(Comparator.comparing(ImportError::file).thenComparingInt(ImportError::line));
    if (!errors.isEmpty() || lastErrors == null || !lastErrors.isEmpty()) {
      dags.replaceImportErrors(errors, clock.instant());
    }
    // each error is logged when it appears, not again at every rescan while the file stays broken
    Set<ImportError> previous = lastErrors == null ? Set.of() : lastErrors;
    errors.stream().filter(e -> !previous.contains(e))
        .forEach(e -> LOG.warn("import error: {}:{}: {}", e.file(), e.line(), e.message()));
    lastErrors = Set.copyOf(errors);
    if (storedAll) {
      record(processor.lastFingerprint());
    }
    telemetry.dagsParsed(stored.size(), errors.size(), Duration.ofNanos(System.nanoTime() - t0));
    return new DagBag(stored, errors);
  }

  /**
   * For a short command, which starts with nothing parsed: brings the database in step with
   * dags_folder and returns the import errors. When the database already holds what the folder
   * yields as it is now (the fingerprint the last sync of the folder recorded matches its files'
   * contents), no file is parsed and nothing is written; otherwise this is a {@link #sync}. A file
   * added or changed a moment ago is still seen: its content is part of the fingerprint.
   */
  public List<ImportError> syncOrReuse() {
    if (!seeded) {
      String now = processor.fingerprint();
      if (now != null && recordedFingerprint().filter(now::equals).isPresent()) {
        return dags.importErrors();
      }
    }
    return sync().importErrors();
  }

  private Optional<String> recordedFingerprint() {
    if (recordedFingerprint == null) {
      recordedFingerprint = dags.folderFingerprint(processor.dagsFolder().toString());
    }
    return recordedFingerprint;
  }

  /** After a sync that stored every DAG: what the database now reflects, if that changed. */
  private void record(String fingerprint) {
    if (fingerprint == null || recordedFingerprint().filter(fingerprint::equals).isPresent()) {
      return;
    }
    try {
      dags.recordFolderFingerprint(processor.dagsFolder().toString(), fingerprint, clock.instant());
      recordedFingerprint = Optional.of(fingerprint);
    } catch (RuntimeException e) {
      // only the next short command's shortcut is lost: it parses
      LOG.debug("cannot record the fingerprint of {}: {}", processor.dagsFolder(), e.toString());
    }
  }

  private void write(Dag dag) {
    if (writtenDags.get(dag.dagId()) == dag) {
      return; // the processor hands back the same instance for a file it did not re-parse
    }
    String hash = hash(dag);
    if (!hash.equals(writtenHashes.get(dag.dagId()))) {
      boolean paused = dag.paused() != null ? dag.paused() : pausedAtCreation;
      if (dags.upsert(dag, hash, paused, clock.instant())) {
        LOG.info("new DAG {} from {} ({})", dag.dagId(), dag.fileloc(), paused ? "paused" : "unpaused");
      }
      dag.tasks().forEach(t -> pools.ensure(t.queueing().pool(), defaultPoolSlots, "created for DAG " + dag.dagId()));
      writtenHashes.put(dag.dagId(), hash);
    }
    writtenDags.put(dag.dagId(), dag);
  }

  static String hash(Dag dag) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(Json.write(dag).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
