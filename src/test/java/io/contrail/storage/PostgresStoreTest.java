package io.contrail.storage;

import io.contrail.testing.Postgres;

/** The storage contract on a real PostgreSQL: the test JVM's shared server, a new database for each test. */
class PostgresStoreTest extends JdbcStoreContract {
  private String url;

  @Override
  protected Database openEmptyDatabase() {
    url = Postgres.newDatabase("t");
    return new Database(url, "postgres", null, 4);
  }

  @Override
  protected void dropDatabase(Database closed) {
    Postgres.dropDatabase(url);
  }
}
