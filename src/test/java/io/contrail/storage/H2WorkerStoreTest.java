package io.contrail.storage;

import java.util.concurrent.atomic.AtomicInteger;

/** Claiming and the worker rows on H2, each test in its own in-memory database. */
class H2WorkerStoreTest extends WorkerStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected Database openEmptyDatabase() {
    return new Database("jdbc:h2:mem:workers" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", 6);
  }
}
