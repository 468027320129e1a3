package io.contrail.storage;

import java.util.concurrent.atomic.AtomicInteger;

/** The storage contract on H2, each test in its own in-memory database. */
class H2StoreTest extends JdbcStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected Database openEmptyDatabase() {
    return new Database("jdbc:h2:mem:test" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  }
}
