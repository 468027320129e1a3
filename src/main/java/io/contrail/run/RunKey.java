package io.contrail.run;

/**
 * Identifies a DAG run: (dag_id, run_id). Keys read back from the database are taken as stored;
 * a key a user names (the CLI, later the REST API) comes through {@link #of}, which checks both
 * ids with {@link Ids}.
 */
public record RunKey(String dagId, String runId) {
  /** The key of ids a user gave, each checked by {@link Ids}. */
  public static RunKey of(String dagId, String runId) {
    return new RunKey(Ids.dagId(dagId), Ids.runId(runId));
  }

  @Override
  public String toString() {
    return dagId + "/" + runId;
  }
}
