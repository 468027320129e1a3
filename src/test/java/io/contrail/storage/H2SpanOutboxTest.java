package io.contrail.storage;

import java.util.concurrent.atomic.AtomicInteger;

/** The span outbox contract on H2, each test in its own in-memory database. */
class H2SpanOutboxTest extends SpanOutboxContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected Database openEmptyDatabase() {
    return new Database("jdbc:h2:mem:outbox" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", 6);
  }
}
