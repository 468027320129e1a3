package io.contrail.storage;

import static io.contrail.testing.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where workers' log servers are, on a real database (H2 and PostgreSQL): a worker's advertised
 * address is found by the hostname its tries record, the owning job's own worker first.
 */
abstract class LogServerDirectoryContract {
  private Database db;
  private Stores stores;
  private WorkerStore workers;
  private LogServerDirectory directory;

  protected abstract Database openEmptyDatabase();

  protected void dropDatabase(Database closed) {}

  @BeforeEach
  void open() {
    db = openEmptyDatabase();
    db.migrate();
    stores = Stores.jdbc(db);
    workers = Stores.workers(db);
    directory = Stores.logServers(db);
  }

  @AfterEach
  void close() {
    db.close();
    dropDatabase(db);
  }

  private long worker(String hostname) {
    long job = stores.jobs().start("worker", hostname, 1, T0);
    workers.register(job, List.of("default"), 4, T0);
    return job;
  }

  @Test
  void aTryIsFoundOnTheLogServerOfTheNewestWorkerOfItsHost() {
    long old = worker("node-a");
    directory.advertise(old, "10.0.0.5", 8793);
    long other = worker("node-b");
    directory.advertise(other, "10.0.0.6", 8793);
    long restarted = worker("node-a");
    directory.advertise(restarted, "10.0.0.7", 8794);

    assertThat(directory.find("node-a", null)).hasValue(new LogServerDirectory.Address(restarted, "10.0.0.7", 8794));
    assertThat(directory.find("node-b", null).orElseThrow().toString()).isEqualTo("10.0.0.6:8793");
    // the running try's owner is asked first: it is the one writing the log
    assertThat(directory.find("node-a", old)).hasValue(new LogServerDirectory.Address(old, "10.0.0.5", 8793));
  }

  @Test
  void aHostWhoseWorkersHaveNoLogServerHasNone() {
    worker("quiet");
    assertThat(directory.find("quiet", null)).isEmpty();
    assertThat(directory.find("nobody", null)).isEmpty();
    assertThat(directory.find(null, null)).isEmpty();
  }
}
