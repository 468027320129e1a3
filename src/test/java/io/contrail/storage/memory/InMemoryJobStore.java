package io.contrail.storage.memory;

import io.contrail.run.ProcessIdentity;
import io.contrail.storage.Job;
import io.contrail.storage.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link JobStore} in memory, behaving like {@code JdbcJobStore}: ids count up from 1. */
public final class InMemoryJobStore implements JobStore {
  private final Map<Long, Job> jobs = new TreeMap<>();
  private long nextId = 1;

  @Override
  public synchronized long start(String jobType, String hostname, ProcessIdentity process, Instant now) {
    long id = nextId++;
    jobs.put(id, new Job(id, jobType, hostname, process.pid(), "running", now, null, now, process.startedAt()));
    return id;
  }

  @Override
  public synchronized boolean heartbeat(long id, Instant now) {
    Job j = running(id);
    if (j == null) {
      return false;
    }
    jobs.put(id, new Job(id, j.jobType(), j.hostname(), j.pid(), j.state(), j.startDate(), j.endDate(), now,
        j.processStartedAt()));
    return true;
  }

  @Override
  public synchronized void end(long id, String state, Instant now) {
    finish(id, state, now);
  }

  @Override
  public synchronized Optional<Job> find(long id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public synchronized List<Job> staleJobs(Instant before) {
    return jobs.values().stream()
        .filter(j -> "running".equals(j.state()) && j.latestHeartbeat().isBefore(before)).toList();
  }

  @Override
  public synchronized boolean markFailed(long id, Instant now) {
    return finish(id, "failed", now);
  }

  private boolean finish(long id, String state, Instant now) {
    Job j = running(id);
    if (j == null) {
      return false;
    }
    jobs.put(id, new Job(id, j.jobType(), j.hostname(), j.pid(), state, j.startDate(), now, j.latestHeartbeat(),
        j.processStartedAt()));
    return true;
  }

  private Job running(long id) {
    Job j = jobs.get(id);
    return j != null && "running".equals(j.state()) ? j : null;
  }
}
