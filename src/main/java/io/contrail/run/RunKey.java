package io.contrail.run;

/** Identifies a DAG run: (dag_id, run_id). */
public record RunKey(String dagId, String runId) {
  @Override
  public String toString() {
    return dagId + "/" + runId;
  }
}
