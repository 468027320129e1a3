package io.contrail.storage;

import io.contrail.run.RunKey;
import io.contrail.run.TaskInstanceKey;
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
  /** A worker ended (or handed back) a try; the payload is its task instance ({@link #taskKey}) or run. For schedulers. */
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

  /** A run as a payload: DAG id and run id, split by a character none of the ids may contain. */
  static String payload(RunKey key) {
    return key.dagId() + SPLIT + key.runId();
  }

  /** A task instance as a payload: its run's payload and the task id. */
  static String payload(TaskInstanceKey key) {
    return key.dagId() + SPLIT + key.runId() + SPLIT + key.taskId();
  }

  /** The run a {@link #payload(RunKey)} or {@link #payload(TaskInstanceKey)} names, or null for anything else. */
  static RunKey runKey(String payload) {
    String[] p = split(payload);
    return p == null ? null : new RunKey(p[0], p[1]);
  }

  /** The task instance a {@link #payload(TaskInstanceKey)} names, or null (a run's payload, or anything else). */
  static TaskInstanceKey taskKey(String payload) {
    String[] p = split(payload);
    return p == null || p.length < 3 ? null : new TaskInstanceKey(p[0], p[1], p[2]);
  }

  private static String[] split(String payload) {
    if (payload == null) {
      return null;
    }
    String[] p = payload.split(String.valueOf(SPLIT), -1);
    return p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty() ? null : p;
  }

  /** The unit separator: not allowed in DAG, run or task ids. */
  char SPLIT = '\u001f';
}
