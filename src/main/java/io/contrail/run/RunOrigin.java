package io.contrail.run;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Who asked for a run and how, as Airflow records it on a DAG run: what triggered it
 * ({@code cli}, {@code rest_api}, {@code timetable}, {@code backfill}, {@code test}), the user behind
 * it (null when there is none, as for the scheduler), the note they left (null for none), and
 * whether they named its logical date. A manual run without a named logical date still uses its
 * trigger time as the logical date of its placeholders ({@code {{ ds }}}); Airflow's REST API shows
 * such a run's logical date as null. {@code runAfter} is the run_after stored when the run was
 * created (null until then): it stays what it was when a clear queues the run again.
 */
public record RunOrigin(String triggeredBy, String user, String note, boolean logicalDateGiven, Instant runAfter) {
  public static final int MAX_NOTE_CHARS = 1000;

  public RunOrigin {
    Objects.requireNonNull(triggeredBy, "triggeredBy");
    if (note != null && note.length() > MAX_NOTE_CHARS) {
      throw new IllegalArgumentException("note is " + note.length() + " characters, at most " + MAX_NOTE_CHARS
          + " are kept");
    }
  }

  public RunOrigin(String triggeredBy, String user, String note, boolean logicalDateGiven) {
    this(triggeredBy, user, note, logicalDateGiven, null);
  }

  /** The same origin with the run_after stored for the run. */
  public RunOrigin withRunAfter(Instant stored) {
    return new RunOrigin(triggeredBy, user, note, logicalDateGiven, stored);
  }

  /** What a run of this type records when its creator says nothing more. */
  public static RunOrigin of(RunType type) {
    return switch (type) {
      case MANUAL -> new RunOrigin("cli", null, null, false);
      case SCHEDULED -> new RunOrigin("timetable", null, null, true);
      case BACKFILL -> new RunOrigin("backfill", null, null, true);
    };
  }

  /** A run triggered by {@code trigger} ({@code rest_api}, {@code test} ...) on behalf of {@code user}. */
  public static RunOrigin manual(String trigger, String user, String note, boolean logicalDateGiven) {
    return new RunOrigin(trigger.toLowerCase(Locale.ROOT), user, note, logicalDateGiven);
  }
}
