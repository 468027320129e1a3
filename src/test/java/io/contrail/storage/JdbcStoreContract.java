package io.contrail.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The storage contract on a real database: the behaviour half ({@link StoreContract}) on the JDBC
 * stores, plus what only a database has — schema migrations (the span outbox has its own contract,
 * {@link SpanOutboxContract}). Each test gets an empty, freshly migrated schema.
 */
abstract class JdbcStoreContract extends StoreContract {
  private Database db;
  private int migrationsOnEmptyDatabase;

  /** A database with an empty schema, not yet migrated, that no other test uses. */
  protected abstract Database openEmptyDatabase();

  /** Frees what {@link #openEmptyDatabase} made, after its pool is closed. */
  protected void dropDatabase(Database closed) {}

  @Override
  protected final Stores openStores() {
    db = openEmptyDatabase();
    migrationsOnEmptyDatabase = db.migrate();
    Stores stores = Stores.jdbc(db);
    return stores;
  }

  @Override
  protected final void closeStores() {
    db.close();
    dropDatabase(db);
  }

  // --- schema ---------------------------------------------------------------------------------

  @Test
  void migratingAnUpToDateDatabaseAppliesNothing() {
    assertThat(migrationsOnEmptyDatabase).isEqualTo(7);
    assertThat(db.migrate()).isZero();
    assertThat(db.pendingMigrations()).isEmpty();
    assertThat(db.currentVersion()).isEqualTo("70");
  }
}
