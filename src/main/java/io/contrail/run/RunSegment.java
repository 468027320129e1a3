package io.contrail.run;

/**
 * Which part of a run's trace is current. A run starts in its root segment (its {@code dag_run}
 * root span); each clear of a finished run opens a new segment — a new {@code dag_run} span, child
 * of the root, numbered by Airflow's {@code clear_number} — so a re-run never changes a span that
 * was exported already. A mark of a finished run opens one too, with the same clear number.
 *
 * @param spanId the segment's span, or null for the root segment (the run's own span id)
 */
public record RunSegment(int clearNumber, String spanId) {
  public static final RunSegment ROOT = new RunSegment(0, null);

  public boolean isRoot() {
    return spanId == null;
  }
}
