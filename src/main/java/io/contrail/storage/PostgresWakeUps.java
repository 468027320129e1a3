package io.contrail.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WakeUps} over PostgreSQL's {@code NOTIFY}/{@code LISTEN}, each side on a connection of
 * its own (outside the pool, so a busy pool never delays a wake-up and a wake-up never takes a
 * pooled connection).
 *
 * <p>Sending is asynchronous and coalesced: {@link #notify} only records the (channel, payload);
 * a sender thread sends everything recorded since its last send with one statement in one
 * transaction of its own. Notifying in the caller's transaction would be simpler but costly:
 * PostgreSQL serialises the commits of notifying transactions on one lock, held across the
 * commit's WAL flush, so every state change that notified would stop committing in groups. A
 * transaction that only notifies writes no WAL and does not wait for a flush; and it runs after
 * the caller's commit, so a listener that is woken finds the change already visible.
 *
 * <p>Listening is one thread blocked in the driver's {@code getNotifications(timeout)}; when the
 * connection fails it reconnects (with back-off), listens again, and calls every handler with a
 * null payload — notifications sent meanwhile are lost, so each process looks at everything once.
 */
final class PostgresWakeUps implements WakeUps {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresWakeUps.class);
  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int LISTEN_TIMEOUT_MS = 250;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Database database;
  private final Object lock = new Object();
  private final Set<List<String>> pending = new LinkedHashSet<>(); // guarded by lock
  private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
  private volatile boolean relisten;
  private volatile boolean closed;
  private Thread sender; // guarded by lock
  private Thread listener; // guarded by lock
  private Connection sendConnection; // the sender thread's (and close()'s, after it stopped)
  private long sendFailures; // the sender thread's

  PostgresWakeUps(Database database) {
    this.database = database;
  }

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public void notify(String channel, String payload) {
    checkChannel(channel);
    synchronized (lock) {
      if (closed) {
        return;
      }
      pending.add(List.of(channel, payload == null ? "" : payload));
      if (sender == null) {
        sender = daemon("contrail-notify", this::sendLoop);
      }
      lock.notifyAll();
    }
  }

  @Override
  public void listen(String channel, Consumer<String> handler) {
    checkChannel(channel);
    handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    relisten = true;
    synchronized (lock) {
      if (!closed && listener == null) {
        listener = daemon("contrail-listen", this::listenLoop);
      }
    }
  }

  private static void checkChannel(String channel) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void sendLoop() {
    while (true) {
      List<List<String>> batch;
      synchronized (lock) {
        while (pending.isEmpty() && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (pending.isEmpty()) {
          return; // closed, nothing left
        }
        batch = new ArrayList<>(pending);
        pending.clear();
      }
      send(batch);
    }
  }

  private void send(List<List<String>> batch) {
    String[] channels = new String[batch.size()];
    String[] payloads = new String[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      channels[i] = batch.get(i).get(0);
      payloads[i] = batch.get(i).get(1);
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (sendConnection == null) {
          sendConnection = database.openDedicated();
          sendConnection.setAutoCommit(true);
        }
        try (PreparedStatement ps = sendConnection.prepareStatement(
            "SELECT pg_notify(c, p) FROM unnest(?::text[], ?::text[]) AS n(c, p)")) {
          Array c = sendConnection.createArrayOf("text", channels);
          Array p = sendConnection.createArrayOf("text", payloads);
          ps.setArray(1, c);
          ps.setArray(2, p);
          ps.execute();
        }
        if (sendFailures > 0) {
          LOG.info("wake-ups are sent again after {} failed sends", sendFailures);
          sendFailures = 0;
        }
        return;
      } catch (SQLException e) {
        closeQuietly(sendConnection);
        sendConnection = null;
        if (attempt == 1) {
          if (sendFailures++ % 100 == 0) {
            LOG.warn("cannot send {} wake-up(s) over PostgreSQL NOTIFY (the other processes poll): {}",
                batch.size(), e.toString());
          }
        }
      }
    }
  }

  private void listenLoop() {
    Connection conn = null;
    long backoff = 100;
    boolean lost = false;
    while (!closed) {
      try {
        if (conn == null) {
          conn = database.openDedicated();
          conn.setAutoCommit(true);
          relisten = true;
        }
        if (relisten) {
          relisten = false;
          try (Statement st = conn.createStatement()) {
            for (String channel : handlers.keySet()) {
              st.execute("LISTEN " + channel); // checked against CHANNEL: no quoting needed
            }
          }
          if (lost) {
            lost = false;
            LOG.info("listening for wake-ups again");
            handlers.values().forEach(hs -> hs.forEach(h -> call(h, null)));
          }
        }
        PGNotification[] got = conn.unwrap(PGConnection.class).getNotifications(LISTEN_TIMEOUT_MS);
        backoff = 100;
        if (got != null) {
          for (PGNotification n : got) {
            List<Consumer<String>> hs = handlers.get(n.getName());
            if (hs != null) {
              hs.forEach(h -> call(h, n.getParameter()));
            }
          }
        }
      } catch (SQLException e) {
        if (closed) {
          break;
        }
        if (!lost) {
          LOG.warn("lost the wake-up connection to PostgreSQL (polling meanwhile); reconnecting: {}", e.toString());
        }
        lost = true;
        closeQuietly(conn);
        conn = null;
        try {
          TimeUnit.MILLISECONDS.sleep(backoff);
        } catch (InterruptedException ie) {
          break;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
    closeQuietly(conn);
  }

  private static void call(Consumer<String> handler, String payload) {
    try {
      handler.accept(payload);
    } catch (RuntimeException e) {
      LOG.warn("a wake-up handler failed: {}", e.toString(), e);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone already
      }
    }
  }

  @Override
  public void close() {
    Thread s;
    Thread l;
    synchronized (lock) {
      closed = true;
      s = sender;
      l = listener;
      lock.notifyAll();
    }
    // what a short-lived process (a CLI trigger) recorded goes out before it exits
    join(s, 5_000);
    join(l, LISTEN_TIMEOUT_MS * 4L);
    closeQuietly(sendConnection);
  }

  private static void join(Thread t, long millis) {
    if (t != null) {
      try {
        t.join(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
