package io.contrail.executor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies one output stream of a directly executed shell task into the attempt's log, each line
 * stamped like the bash wrapper's stamper stamps it ({@link LogLines}): with the moment the line
 * was complete and its stream; a last line without a newline gets one, and a line longer than
 * 1 MiB is cut into 1 MiB lines. The lines that one read returns are written with one
 * {@code write} to the shared, appending log stream, under its lock, so stdout and stderr lines
 * never interleave mid-line. The pumps run on one shared pool of daemon threads, reused from
 * task to task.
 */
final class OutputPump implements Runnable {
  private static final int MAX_LINE = 1 << 20;
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "contrail-task-output-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final InputStream in;
  private final LogLines.Stream stream;
  private final OutputStream log;
  private final Clock clock;

  private OutputPump(InputStream in, LogLines.Stream stream, OutputStream log, Clock clock) {
    this.in = in;
    this.stream = stream;
    this.log = log;
    this.clock = clock;
  }

  /** Starts copying {@code in} into {@code log} (shared by both streams of a try; writes lock on it). */
  static Future<?> start(InputStream in, LogLines.Stream stream, OutputStream log, Clock clock) {
    return POOL.submit(new OutputPump(in, stream, log, clock));
  }

  @Override
  public void run() {
    byte[] buf = new byte[8192];
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        byte[] prefix = null;
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n' || line.size() + (i - start) >= MAX_LINE) {
            boolean newline = buf[i] == '\n';
            line.write(buf, start, i - start);
            prefix = prefix == null ? prefix() : prefix;
            out.write(prefix);
            line.writeTo(out);
            out.write('\n');
            line.reset();
            start = newline ? i + 1 : i;
          }
        }
        line.write(buf, start, n - start);
        if (out.size() > 0) {
          write(out);
        }
      }
    } catch (IOException e) {
      // the pipe closed under us (the process group was killed): what was read is written below
    }
    try {
      if (line.size() > 0) {
        out.write(prefix());
        line.writeTo(out);
        out.write('\n');
      }
      if (out.size() > 0) {
        write(out);
      }
    } catch (IOException e) {
      // the log cannot be written: the executor's own lines report that
    }
  }

  private byte[] prefix() {
    return LogLines.prefix(clock.instant(), stream).getBytes(StandardCharsets.US_ASCII);
  }

  private void write(ByteArrayOutputStream out) throws IOException {
    synchronized (log) {
      out.writeTo(log);
    }
    out.reset();
  }
}
