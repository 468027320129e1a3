package io.contrail.storage;

import io.contrail.run.TaskChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the executor's state changes: many worker threads hand their compare-and-sets
 * to one writer thread, which applies whatever has queued up as one batch in one transaction. A
 * commit is the expensive part (a file write on H2, an fsync on PostgreSQL), so with tens of tasks
 * finishing at once this costs one commit instead of tens, while a lone change is written at once.
 * If a batch fails as a whole, each change is retried on its own so one bad row cannot sink the
 * others.
 */
public final class GroupCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  private static final int MAX_BATCH = 512;

  private record Pending(TaskChange change, CompletableFuture<Boolean> done) {}

  /** Queued by {@link #close}: the writer stops once what is queued before and with it is written. */
  private static final Pending CLOSE = new Pending(null, null);

  private final RunStore runs;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  public GroupCommit(RunStore runs) {
    this.runs = runs;
    this.writer = new Thread(this::writeLoop, "contrail-group-commit");
    writer.setDaemon(true);
    writer.start();
  }

  /** Writes the change (batched with others waiting) and returns whether the compare-and-set won. */
  public boolean write(TaskChange change) {
    if (closed) {
      return runs.update(change);
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    queue.add(new Pending(change, done));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return done.get();
        } catch (InterruptedException e) {
          interrupted = true; // the outcome must be known: keep waiting, restore the flag after
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new StorageException("write failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    boolean closing = false;
    // blocks until there is work (an idle writer costs nothing); close() queues CLOSE, after which
    // whatever is still queued is written and the writer ends
    while (!closing || !queue.isEmpty()) {
      try {
        Pending first = closing ? queue.poll() : queue.take();
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        closing |= batch.remove(CLOSE);
        if (!batch.isEmpty()) {
          apply(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        batch.forEach(c -> c.done().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void apply(List<Pending> batch) {
    boolean[] applied;
    try {
      applied = runs.updateAll(batch.stream().map(Pending::change).toList());
    } catch (RuntimeException e) {
      LOG.warn("a batch of {} state changes failed ({}); writing them one by one", batch.size(), e.toString());
      for (Pending c : batch) {
        try {
          c.done().complete(runs.update(c.change()));
        } catch (RuntimeException single) {
          c.done().completeExceptionally(single);
        }
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(applied[i]);
    }
  }

  /** Writes what is queued, then stops the writer; later writes go straight to the store. */
  @Override
  public void close() {
    closed = true;
    queue.add(CLOSE);
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
