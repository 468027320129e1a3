package io.contrail.storage;

import static io.contrail.testing.Fixtures.T0;
import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.anEtlDag;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.contrail.run.DagRun;
import io.contrail.run.RunKey;
import io.contrail.run.TaskInstance;
import io.contrail.run.TaskInstanceKey;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on a real database: the behaviour half ({@link StoreContract}) on the JDBC
 * stores, plus what only a database has — schema migrations (the span outbox has its own contract,
 * {@link SpanOutboxContract}). Each test gets an empty, freshly migrated schema.
 */
abstract class JdbcStoreContract extends StoreContract {
  private Database db;
  private int migrationsOnEmptyDatabase;
  private Stores stores;

  /** A database with an empty schema, not yet migrated, that no other test uses. */
  protected abstract Database openEmptyDatabase();

  /** Frees what {@link #openEmptyDatabase} made, after its pool is closed. */
  protected void dropDatabase(Database closed) {}

  @Override
  protected final Stores openStores() {
    db = openEmptyDatabase();
    migrationsOnEmptyDatabase = db.migrate();
    stores = Stores.jdbc(db);
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
    // main's migrations (V1, V2, V3, V20, V22, V70), the log outbox's (V24), the REST API's (V50,
    // V51), the workers' (V80), the worker log server's (V90) and the attempt's job id with the
    // workers listing's index (V95), the claim index in claim order (V110), the DAG folders'
    // fingerprints (V111): a branch that adds one says so here
    List<String> shipped = List.of("1", "2", "3", "20", "22", "24", "50", "51", "70", "80", "90", "95", "110",
        "111");
    assertThat(migrationsOnEmptyDatabase).isEqualTo(shipped.size());
    assertThat(db.migrate()).isZero();
    assertThat(db.pendingMigrations()).isEmpty();
    assertThat(db.currentVersion()).isEqualTo(shipped.get(shipped.size() - 1));
  }

  // --- DAG folder fingerprints (short commands that need not parse) --------------------------------

  @Test
  void eachDagsFolderKeepsItsLastFingerprintUntilADagIsDeleted() {
    String folder = "/srv/contrail/dags/" + "x".repeat(3000); // longer than the column: the key is its hash
    assertThat(stores.dags().folderFingerprint(folder)).isEmpty();
    stores.dags().recordFolderFingerprint(folder, "f1", T0);
    stores.dags().recordFolderFingerprint(folder, "f2", T0.plusSeconds(5));
    stores.dags().recordFolderFingerprint("/other/dags", "g1", T0);
    assertThat(stores.dags().folderFingerprint(folder)).contains("f2");
    assertThat(stores.dags().folderFingerprint("/other/dags")).contains("g1");

    stores.dags().upsert(anEtlDag("gone"), "h", false, T0);
    assertThat(Stores.operations(db).deleteDag("gone").deleted()).isTrue();
    assertThat(stores.dags().folderFingerprint(folder)).as("a deleted DAG is parsed back from its file").isEmpty();
    assertThat(stores.dags().folderFingerprint("/other/dags")).isEmpty();
  }

  // --- notes (REST API) ------------------------------------------------------------------------

  @Test
  void notesOnARunAndItsTaskInstancesAreKeptAndListed() {
    DagRun run = aRun("d").build();
    TaskInstance ti = aTaskInstance(run, "t");
    stores.runs().createRun(run, List.of(ti, aTaskInstance(run, "u")));
    NoteStore notes = Stores.notes(db);

    assertThat(notes.setRunNote(run.key(), "looked at it")).isTrue();
    assertThat(notes.setTaskNote(ti.key(), "flaky upstream")).isTrue();
    assertThat(stores.runs().findRun(run.key()).orElseThrow().spec().origin().note()).isEqualTo("looked at it");
    assertThat(notes.taskNotes(run.key())).containsExactly(entry("t", "flaky upstream"));
    List<RunQueries.TaskRow> listed = Stores.runQueries(db).taskInstances(new RunQueries.TaskQuery("d", run.runId(),
        10, 0, List.of(), Set.of(), null, Listing.Match.ANY, Listing.Match.ANY, Listing.Match.ANY, Set.of(), Set.of(),
        Set.of(), Map.of(), null)).items();
    assertThat(listed).extracting(r -> r.ti().taskId(), RunQueries.TaskRow::note)
        .containsExactlyInAnyOrder(tuple("t", "flaky upstream"), tuple("u", null));

    assertThat(notes.setTaskNote(ti.key(), null)).isTrue();
    assertThat(notes.taskNotes(run.key())).isEmpty();
    assertThat(notes.setRunNote(new RunKey("d", "no_such_run"), "x")).isFalse();
    assertThat(notes.setTaskNote(new TaskInstanceKey("d", run.runId(), "no_such_task"), "x")).isFalse();
  }
}
