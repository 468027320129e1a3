package io.contrail.storage;

import io.contrail.testing.Postgres;

/** Workers' log server addresses on a real PostgreSQL: a new database per test. */
class PostgresLogServerDirectoryTest extends LogServerDirectoryContract {
  private String url;

  @Override
  protected Database openEmptyDatabase() {
    url = Postgres.newDatabase("logservers");
    return new Database(url, "postgres", null, 4);
  }

  @Override
  protected void dropDatabase(Database closed) {
    Postgres.dropDatabase(url);
  }
}
