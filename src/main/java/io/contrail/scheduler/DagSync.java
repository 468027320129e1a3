package io.contrail.scheduler;

import io.contrail.api.Dag;
import io.contrail.dag.DagBag;
import io.contrail.dag.DagProcessor;
import io.contrail.storage.DagStore;
import io.contrail.storage.Json;
import io.contrail.storage.PoolStore;
import io.contrail.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database's DAGs in step with dags_folder: re-scans (the processor re-parses only
 * changed files), writes DAGs whose definition changed, deactivates vanished ones, replaces the
 * import errors and creates the pools the tasks name.
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
  private int lastErrorCount = -1;
  private boolean seeded;

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

  /** Scans the folder and updates the database; returns the DAGs now loaded. */
  public DagBag sync() {
    long t0 = System.nanoTime();
    if (!seeded) {
      // a process starting up (every CLI command is one) need not rewrite the DAGs the database has already
      dags.summaries().stream().filter(DagStore.DagSummary::active)
          .forEach(d -> writtenHashes.put(d.dagId(), d.fileHash()));
      seeded = true;
    }
    DagBag bag = processor.refresh();
    for (Dag dag : bag.dags().values()) {
      if (writtenDags.get(dag.dagId()) == dag) {
        continue; // the processor hands back the same instance for a file it did not re-parse
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
    writtenHashes.keySet().retainAll(bag.dags().keySet());
    writtenDags.keySet().retainAll(bag.dags().keySet());
    dags.deactivateAllExcept(bag.dags().keySet());
    if (!bag.importErrors().isEmpty() || lastErrorCount != 0) {
      dags.replaceImportErrors(bag.importErrors(), clock.instant());
      if (bag.importErrors().size() != lastErrorCount) {
        bag.importErrors().forEach(e -> LOG.warn("import error: {}:{}: {}", e.file(), e.line(), e.message()));
      }
      lastErrorCount = bag.importErrors().size();
    }
    telemetry.dagsParsed(bag.dags().size(), bag.importErrors().size(),
        Duration.ofNanos(System.nanoTime() - t0));
    return bag;
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
