package io.contrail.storage;

import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static io.contrail.testing.Fixtures.at;
import static io.contrail.testing.Fixtures.attemptOf;
import static io.contrail.testing.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.DagRun;
import io.contrail.run.RunState;
import io.contrail.run.TaskChange;
import io.contrail.run.TaskInstance;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on a real database: the behaviour half ({@link StoreContract}) on the JDBC
 * stores, plus what only a database has — schema migrations and the span outbox. Each test gets an
 * empty, freshly migrated schema.
 */
abstract class JdbcStoreContract extends StoreContract {
  private Database db;
  private RunStore runs;
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
    runs = stores.runs();
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
    assertThat(migrationsOnEmptyDatabase).isEqualTo(5);
    assertThat(db.migrate()).isZero();
    assertThat(db.pendingMigrations()).isEmpty();
    assertThat(db.currentVersion()).isEqualTo("70");
  }

  @Test
  void spanOutboxHandsEachFinishedRowToOneClaimUntilMarkedExported() {
    DagRun run = aRun("d").state(RunState.SUCCESS).started(at(1)).ended(at(9)).build();
    TaskInstance ti = aTaskInstance(run, "t");
    runs.createRun(run, List.of(ti));
    TaskInstance r = running(ti, 1);
    runs.update(new TaskChange(ti, r, attemptOf(r, null, null)));
    TaskInstance done = r.toFinished(true, at(5), Duration.ZERO, false);
    runs.update(new TaskChange(r, done, attemptOf(done, 0, null)));
    SpanOutbox outbox = Stores.spanOutbox(db);

    assertThat(outbox.pending()).isEqualTo(3);
    SpanOutbox.Batch first = outbox.claim("a", 10, at(10), Duration.ofSeconds(30));
    assertThat(first.size()).isEqualTo(3);
    assertThat(outbox.claim("b", 10, at(11), Duration.ofSeconds(30)).size()).isZero();
    outbox.release("a");
    assertThat(outbox.claim("c", 10, at(12), Duration.ofSeconds(30)).size()).isEqualTo(3);
    // c's process died: after the lease another one may take the rows
    assertThat(outbox.claim("d", 10, at(43), Duration.ofSeconds(30)).size()).isEqualTo(3);
    outbox.markExported("d", at(44));
    assertThat(outbox.pending()).isZero();
    assertThat(outbox.claim("e", 10, at(100), Duration.ofSeconds(30)).size()).isZero();
  }

}
