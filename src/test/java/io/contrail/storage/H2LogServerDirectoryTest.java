package io.contrail.storage;

import java.util.concurrent.atomic.AtomicInteger;

/** Workers' log server addresses on H2, each test in its own in-memory database. */
class H2LogServerDirectoryTest extends LogServerDirectoryContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected Database openEmptyDatabase() {
    return new Database("jdbc:h2:mem:logservers" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  }
}
