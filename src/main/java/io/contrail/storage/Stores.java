package io.contrail.storage;

/**
 * The stores of one metadata database, as the scheduler, the CLI and the roles use them: DAGs,
 * runs (with task instances and attempts), pools and jobs. {@link #jdbc} gives the stores on H2 or
 * PostgreSQL; tests may pass in-memory ones.
 */
public record Stores(DagStore dags, RunStore runs, PoolStore pools, JobStore jobs) {
  /** The JDBC stores on this database. */
  public static Stores jdbc(Database database) {
    Sql sql = database.sql();
    return new Stores(new JdbcDagStore(sql), new JdbcRunStore(sql), new JdbcPoolStore(sql), new JdbcJobStore(sql));
  }

  /** Operations on runs (clear, mark, delete) and deadlines, on this database. */
  public static OperationStore operations(Database database) {
    return new JdbcOperationStore(database.sql());
  }

  /** Callbacks waiting to run, on this database. */
  public static CallbackStore callbacks(Database database) {
    return new JdbcCallbackStore(database.sql());
  }

  /** The span outbox on this database: finished, sampled spans not exported yet. */
  public static SpanOutbox spanOutbox(Database database) {
    return new JdbcSpanOutbox(database.sql());
  }
}
