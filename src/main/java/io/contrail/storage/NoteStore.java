package io.contrail.storage;

import io.contrail.run.RunKey;
import io.contrail.run.TaskInstanceKey;
import java.util.Map;

/**
 * The notes users write on runs and task instances (Airflow's {@code note}; the REST API sets and
 * shows them). A note is the user's text, not state: setting one is a plain update that no
 * scheduler decision reads, so it needs no compare-and-set.
 */
public interface NoteStore {
  /** The longest note kept, as Airflow's (1000 characters). */
  int MAX_CHARS = 1000;

  /** Sets (null: removes) the run's note; false when there is no such run. */
  boolean setRunNote(RunKey run, String note);

  /** Sets (null: removes) the task instance's note; false when there is no such task instance. */
  boolean setTaskNote(TaskInstanceKey ti, String note);

  /** The notes of the run's task instances that have one, by task id. */
  Map<String, String> taskNotes(RunKey run);
}
