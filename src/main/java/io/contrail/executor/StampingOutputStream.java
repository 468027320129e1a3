package io.contrail.executor;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Begins every line written through it with the moment its first byte arrived and its stream
 * ({@link LogLines}), so the lines the executor writes into an attempt's log — Contrail's own, a
 * Java or HTTP task's output — carry their own time, as the shell wrapper's do.
 */
final class StampingOutputStream extends FilterOutputStream {
  private final Clock clock;
  private final LogLines.Stream stream;
  private boolean atLineStart = true;

  StampingOutputStream(OutputStream out, Clock clock, LogLines.Stream stream) {
    super(out);
    this.clock = clock;
    this.stream = stream;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    stampIfNeeded();
    out.write(b);
    atLineStart = b == '\n';
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n') {
        stampIfNeeded();
        out.write(b, start, i + 1 - start);
        atLineStart = true;
        start = i + 1;
      }
    }
    if (start < end) {
      stampIfNeeded();
      out.write(b, start, end - start);
      atLineStart = false;
    }
  }

  private void stampIfNeeded() throws IOException {
    if (atLineStart) {
      out.write(LogLines.prefix(clock.instant(), stream).getBytes(StandardCharsets.US_ASCII));
      atLineStart = false;
    }
  }
}
