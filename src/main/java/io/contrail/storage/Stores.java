package io.contrail.storage;

/**
 * The stores of one metadata database, as the scheduler, the CLI and the roles use them: DAGs,
 * runs (with task instances and attempts), pools and jobs. {@link #jdbc} gives the stores on H2 or
 * PostgreSQL; tests may pass in-memory ones.
 */
public record Stores(DagStore dags, RunStore runs, PoolStore pools, JobStore jobs) {
  /** The JDBC stores on this database, recording no spans. */
  public static Stores jdbc(Database database) {
    return jdbc(database, SpanRecording.OFF);
  }

  /** The JDBC stores on this database; finished spans are recorded in the outbox per {@code recording}. */
  public static Stores jdbc(Database database, SpanRecording recording) {
    Sql sql = database.sql();
    return new Stores(new JdbcDagStore(sql), new JdbcRunStore(sql, new SpanRecorder(recording, new JdbcSpanResources(sql))),
        new JdbcPoolStore(sql), new JdbcJobStore(sql));
  }

  /** Operations on runs (clear, mark, delete) and deadlines, on this database, recording no spans. */
  public static OperationStore operations(Database database) {
    return operations(database, SpanRecording.OFF);
  }

  /** Operations on runs (clear, mark, delete) and deadlines; the spans they end are recorded per {@code recording}. */
  public static OperationStore operations(Database database, SpanRecording recording) {
    Sql sql = database.sql();
    return new JdbcOperationStore(sql, new SpanRecorder(recording, new JdbcSpanResources(sql)));
  }

  /** Callbacks waiting to run, on this database. */
  public static CallbackStore callbacks(Database database) {
    return new JdbcCallbackStore(database.sql());
  }

  /** The REST API's reads of DAGs, import errors and jobs on this database. */
  public static DagQueries dagQueries(Database database) {
    return new JdbcDagQueries(database.sql());
  }

  /** The REST API's reads of runs and task instances on this database. */
  public static RunQueries runQueries(Database database) {
    return new JdbcRunQueries(database.sql(), database.isPostgres());
  }

  /** Pools as the REST API manages them, on this database. */
  public static PoolAdmin poolAdmin(Database database) {
    return new JdbcPoolAdmin(database.sql());
  }

  /** The users' notes on runs and task instances, on this database. */
  public static NoteStore notes(Database database) {
    return new JdbcNoteStore(database.sql());
  }

  /** The log outbox on this database: log files with lines not exported yet, and how far each was shipped. */
  public static LogOutbox logOutbox(Database database) {
    return new JdbcLogOutbox(database.sql(), java.time.Clock.systemUTC());
  }

  /** The queue of executor = distributed and its workers, on this database. */
  public static WorkerStore workers(Database database) {
    return new JdbcWorkerStore(database.sql(), database.url().startsWith("jdbc:postgresql:"));
  }

  /** The span outbox on this database: finished, sampled spans not exported yet. */
  public static SpanOutbox spanOutbox(Database database) {
    return new JdbcSpanOutbox(database.sql(), new JdbcSpanResources(database.sql()));
  }

  /** Where workers' log servers are, on this database. */
  public static LogServerDirectory logServers(Database database) {
    return new JdbcLogServerDirectory(database.sql());
  }
}
