package io.contrail.storage;

import io.contrail.run.RunKey;
import java.util.function.Consumer;

/**
 * Wake-ups between processes on one database: a process that queued work, or ended a try, tells
 * the processes waiting for it at once instead of leaving them to their next poll. On PostgreSQL
 * this is {@code NOTIFY}/{@code LISTEN} ({@link PostgresWakeUps}); on other databases there is
 * nothing to send and the processes poll as before. A wake-up is only ever a hint: the database
 * rows stay the truth, and a lost notification costs at most one poll interval.
 */
public interface WakeUps extends AutoCloseable {
  /** Task instances of a queue were committed as queued; the payload is the queue. For workers. */
  String QUEUED = "contrail_queued";
  /** A worker ended (or handed back) a try; the payload is its run, {@link #runKey}. For schedulers. */
  String TRY_ENDED = "contrail_try_ended";
  /** A run was created to be started now (trigger, API, CLI); the payload is its DAG. For schedulers. */
  String RUN_QUEUED = "contrail_run_queued";

  /** The processes on H2 poll; this sends and hears nothing. */
  WakeUps NONE = new WakeUps() {
    @Override
    public boolean active() {
      return false;
    }

    @Override
    public void notify(String channel, String payload) {}

    @Override
    public void listen(String channel, Consumer<String> handler) {}

    @Override
    public void close() {}
  };

  /** Wake-ups over this database: NOTIFY/LISTEN on PostgreSQL, {@link #NONE} elsewhere. */
  static WakeUps open(Database database) {
    return database.isPostgres() ? new PostgresWakeUps(database) : NONE;
  }

  /** True when wake-ups reach other processes (PostgreSQL). */
  boolean active();

  /**
   * Tells every process listening on {@code channel}, soon after this call and never inside the
   * caller's transaction; the same (channel, payload) sent again before it went out is sent once.
   * Never throws: a notification that cannot be sent is logged and dropped (the others poll).
   */
  void notify(String channel, String payload);

  /**
   * Calls {@code handler} on the listening thread for every notification on {@code channel}, with
   * its payload — or with null when notifications may have been missed (the connection was lost
   * and is back), so the handler looks at everything it would have been told about.
   */
  void listen(String channel, Consumer<String> handler);

  /** Sends what is still pending, then stops listening. */
  @Override
  void close();

  /** A run as a payload: DAG id and run id, split by a character neither may contain. */
  static String payload(RunKey key) {
    return key.dagId() + '\u001f' + key.runId();
  }

  /** The run a {@link #payload(RunKey)} names, or null for anything else. */
  static RunKey runKey(String payload) {
    int split = payload == null ? -1 : payload.indexOf('\u001f');
    return split <= 0 ? null : new RunKey(payload.substring(0, split), payload.substring(split + 1));
  }
}
