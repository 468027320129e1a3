package io.contrail.storage;

import io.contrail.testing.Postgres;

/** The span outbox contract on a real PostgreSQL: the test JVM's shared server, a new database per test. */
class PostgresSpanOutboxTest extends SpanOutboxContract {
  private String url;

  @Override
  protected Database openEmptyDatabase() {
    url = Postgres.newDatabase("outbox");
    return new Database(url, "postgres", null, 6);
  }

  @Override
  protected void dropDatabase(Database closed) {
    Postgres.dropDatabase(url);
  }
}
