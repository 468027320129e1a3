package io.contrail.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.run.RunKey;
import io.contrail.testing.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wake-ups between two processes' worth of connections on a real PostgreSQL: what one database
 * object sends, another one's listener hears, promptly; nothing is heard on other channels; a
 * listener whose connection is killed comes back and says it may have missed some.
 */
class PostgresWakeUpsTest {
  private String url;
  private Database sending;
  private Database listening;

  @BeforeEach
  void open() {
    url = Postgres.newDatabase("wakeups");
    sending = new Database(url, "postgres", null, 2);
    listening = new Database(url, "postgres", null, 2);
  }

  @AfterEach
  void close() {
    sending.close();
    listening.close();
    Postgres.dropDatabase(url);
  }

  @Test
  void aNotificationReachesTheListenerOfItsChannelOnly() throws Exception {
    BlockingQueue<String> queued = new LinkedBlockingQueue<>();
    BlockingQueue<String> ended = new LinkedBlockingQueue<>();
    try (WakeUps listener = WakeUps.open(listening); WakeUps sender = WakeUps.open(sending)) {
      assertThat(listener.active()).isTrue();
      listener.listen(WakeUps.QUEUED, queued::add);
      listener.listen(WakeUps.TRY_ENDED, ended::add);
      awaitListening();

      sender.notify(WakeUps.QUEUED, "heavy");
      assertThat(queued.poll(5, TimeUnit.SECONDS)).isEqualTo("heavy");
      assertThat(ended.poll(200, TimeUnit.MILLISECONDS)).isNull();

      RunKey run = new RunKey("etl", "manual__2026-12-02T10:00:00+00:00");
      sender.notify(WakeUps.TRY_ENDED, WakeUps.payload(run));
      assertThat(WakeUps.runKey(ended.poll(5, TimeUnit.SECONDS))).isEqualTo(run);

      io.contrail.run.TaskInstanceKey task = new io.contrail.run.TaskInstanceKey("etl", run.runId(), "load");
      sender.notify(WakeUps.TRY_ENDED, WakeUps.payload(task));
      String heard = ended.poll(5, TimeUnit.SECONDS);
      assertThat(WakeUps.taskKey(heard)).isEqualTo(task);
      assertThat(WakeUps.runKey(heard)).isEqualTo(run);
      assertThat(WakeUps.taskKey(WakeUps.payload(run))).as("a run's payload names no task").isNull();
    }
  }

  @Test
  void aWakeUpArrivesWithinMillisecondsNotAPollInterval() throws Exception {
    BlockingQueue<Long> heardAt = new LinkedBlockingQueue<>();
    try (WakeUps listener = WakeUps.open(listening); WakeUps sender = WakeUps.open(sending)) {
      listener.listen(WakeUps.QUEUED, p -> heardAt.add(System.nanoTime()));
      awaitListening();
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long sent = System.nanoTime();
        sender.notify(WakeUps.QUEUED, "q" + i);
        Long heard = heardAt.poll(5, TimeUnit.SECONDS);
        assertThat(heard).as("wake-up %d heard", i).isNotNull();
        millis.add((heard - sent) / 1_000_000);
      }
      millis.sort(Long::compare);
      // the fallback poll is a second; a wake-up is a round trip to the database
      assertThat(millis.get(millis.size() / 2)).as("median ms of %s", millis).isLessThan(100);
    }
  }

  @Test
  void pendingWakeUpsAreSentBeforeCloseReturns() throws Exception {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    try (WakeUps listener = WakeUps.open(listening)) {
      listener.listen(WakeUps.RUN_QUEUED, heard::add);
      awaitListening();
      WakeUps cli = WakeUps.open(sending); // a CLI trigger: notifies, then its process ends
      cli.notify(WakeUps.RUN_QUEUED, "etl");
      cli.close();
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("etl");
    }
  }

  @Test
  void aListenerWhoseConnectionIsKilledListensAgainAndSaysItMayHaveMissedSome() throws Exception {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    try (WakeUps listener = WakeUps.open(listening); WakeUps sender = WakeUps.open(sending)) {
      listener.listen(WakeUps.QUEUED, p -> heard.add(p == null ? "<missed>" : p));
      awaitListening();
      try (Connection admin = sending.openDedicated(); Statement st = admin.createStatement()) {
        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN%' AND datname = current_database()");
      }
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("<missed>");
      awaitListening();
      sender.notify(WakeUps.QUEUED, "default");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("default");
    }
  }

  @Test
  void onH2NothingIsSentOrHeard() {
    try (Database h2 = new Database("jdbc:h2:mem:wakeups", "sa", null, 2)) {
      WakeUps w = WakeUps.open(h2);
      assertThat(w.active()).isFalse();
      w.notify(WakeUps.QUEUED, "default"); // does nothing, throws nothing
    }
  }

  /** Until a session of this database is listening (LISTEN is the last statement it ran). */
  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Connection c = sending.openDedicated(); Statement st = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE query LIKE 'LISTEN%' AND datname = current_database()")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            Thread.sleep(400); // a channel added after the first LISTEN is listened to within 250 ms
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("no session started listening");
  }
}
