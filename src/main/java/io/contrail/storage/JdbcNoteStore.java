package io.contrail.storage;

import io.contrail.run.RunKey;
import io.contrail.run.TaskInstanceKey;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/** {@link NoteStore} on the metadata database: dag_run.note and task_instance.note, by primary key. */
final class JdbcNoteStore implements NoteStore {
  private final Sql sql;

  JdbcNoteStore(Sql sql) {
    this.sql = sql;
  }

  @Override
  public boolean setRunNote(RunKey run, String note) {
    return sql.update("UPDATE dag_run SET note = ? WHERE dag_id = ? AND run_id = ?", text(note), run.dagId(),
        run.runId()) == 1;
  }

  @Override
  public boolean setTaskNote(TaskInstanceKey ti, String note) {
    return sql.update("UPDATE task_instance SET note = ? WHERE dag_id = ? AND run_id = ? AND task_id = ?", text(note),
        ti.dagId(), ti.runId(), ti.taskId()) == 1;
  }

  @Override
  public Map<String, String> taskNotes(RunKey run) {
    Map<String, String> notes = new HashMap<>();
    sql.query("SELECT task_id, note FROM task_instance WHERE dag_id = ? AND run_id = ? AND note IS NOT NULL",
        rs -> notes.put(rs.getString(1), rs.getString(2)), run.dagId(), run.runId());
    return notes;
  }

  private static Object text(String note) {
    return note == null ? new Sql.Null(Types.VARCHAR) : note;
  }
}
