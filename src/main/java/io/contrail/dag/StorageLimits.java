package io.contrail.dag;

import io.contrail.api.Dag;
import io.contrail.api.TaskDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * The longest DAG values the metadata database stores — the column sizes of the schema
 * ({@code db/migration/V1__core_schema.sql}: {@code dag.description}, {@code dag.schedule},
 * {@code task_instance.pool}, {@code dag.fileloc}). A DAG with a longer value is an import error
 * naming the file, the line and the key, found before anything is written, so one such file
 * cannot make the DAG sync of every other file fail. (dag_id and task_id are limited by the
 * parser's own rules.)
 */
final class StorageLimits {
  static final int DESCRIPTION = 2000;
  static final int SCHEDULE = 250;
  static final int POOL = 250;
  static final int FILELOC = 2000;

  private StorageLimits() {}

  /** Every value of the DAG the database cannot hold; {@code doc} gives lines (null for jars). */
  static List<ImportError> check(Dag dag, String file, YamlDoc doc) {
    List<ImportError> errors = new ArrayList<>();
    if (dag.fileloc().length() > FILELOC) {
      errors.add(new ImportError(file, 0, "the file's path is " + dag.fileloc().length()
          + " characters long; the metadata database stores paths of at most " + FILELOC));
    }
    tooLong(errors, file, line(doc, "/description"), "", "description", dag.description(), DESCRIPTION);
    tooLong(errors, file, line(doc, "/schedule"), "", "schedule", dag.schedule(), SCHEDULE);
    List<TaskDefinition> tasks = dag.tasks();
    for (int i = 0; i < tasks.size(); i++) {
      TaskDefinition t = tasks.get(i);
      String pool = t.queueing().pool();
      if (pool != null && pool.length() > POOL) {
        int line = line(doc, "/tasks/" + i + "/pool");
        String where = "task '" + t.taskId() + "': ";
        if (line == 0 && doc != null && doc.exactLine("/default_args/pool") > 0) {
          line = doc.exactLine("/default_args/pool");
          where = "default_args (task '" + t.taskId() + "'): ";
        }
        tooLong(errors, file, line == 0 ? line(doc, "/tasks/" + i) : line, where, "pool", pool, POOL);
      }
    }
    return errors;
  }

  private static void tooLong(List<ImportError> errors, String file, int line, String where, String key,
      String value, int max) {
    if (value != null && value.length() > max) {
      errors.add(new ImportError(file, line, where + "'" + key + "' is " + value.length()
          + " characters long; the metadata database stores at most " + max));
    }
  }

  private static int line(YamlDoc doc, String pointer) {
    return doc == null ? 0 : doc.exactLine(pointer);
  }
}
