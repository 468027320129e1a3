package io.contrail.storage;

import io.contrail.testing.Postgres;

/** Claiming and the worker rows on a real PostgreSQL: the test JVM's shared server, a new database per test. */
class PostgresWorkerStoreTest extends WorkerStoreContract {
  private String url;

  @Override
  protected Database openEmptyDatabase() {
    url = Postgres.newDatabase("workers");
    return new Database(url, "postgres", null, 6);
  }

  @Override
  protected void dropDatabase(Database closed) {
    Postgres.dropDatabase(url);
  }
}
