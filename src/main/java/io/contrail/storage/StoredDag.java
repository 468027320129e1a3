package io.contrail.storage;

import io.contrail.api.Dag;
import java.time.Instant;

/** A DAG as the database knows it: the parsed definition plus its paused and active flags. */
public record StoredDag(Dag dag, String fileHash, boolean paused, boolean active, Instant lastParsedAt) {
  public String dagId() {
    return dag.dagId();
  }
}
