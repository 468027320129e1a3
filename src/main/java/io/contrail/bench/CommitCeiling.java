package io.contrail.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the database can commit: single-row INSERTs, each its own transaction (autocommit), from
 * {@code connections} connections at once for a fixed time, in commits per second. On PostgreSQL
 * with fsync on this is bounded by the WAL flush, which concurrent connections share (group commit).
 */
final class CommitCeiling {
  private CommitCeiling() {}

  static double measure(String url, int connections, Duration duration) {
    try (Connection setup = DriverManager.getConnection(url, "postgres", "");
         Statement st = setup.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS bench_commit_ceiling (id BIGSERIAL PRIMARY KEY, conn INTEGER NOT NULL,"
          + " n BIGINT NOT NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare the commit-ceiling table: " + e.getMessage(), e);
    }
    AtomicLong commits = new AtomicLong();
    AtomicReference<SQLException> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(connections);
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int conn = c;
      Thread t = new Thread(() -> {
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
             PreparedStatement insert = db.prepareStatement("INSERT INTO bench_commit_ceiling (conn, n) VALUES (?, ?)")) {
          db.setAutoCommit(true);
          ready.countDown();
          go.await();
          long n = 0;
          while (System.nanoTime() < window[1]) {
            insert.setInt(1, conn);
            insert.setLong(2, n++);
            insert.executeUpdate();
          }
          commits.addAndGet(n);
        } catch (SQLException e) {
          failure.set(e);
          ready.countDown();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "bench-commit-" + c);
      threads.add(t);
      t.start();
    }
    try {
      ready.await();
      window[0] = System.nanoTime();
      window[1] = window[0] + duration.toNanos();
      go.countDown(); // the latch publishes window[] to the threads
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("commit ceiling: " + failure.get().getMessage(), failure.get());
    }
    return Scenarios.round(commits.get() / ((System.nanoTime() - window[0]) / 1e9), 1);
  }
}
