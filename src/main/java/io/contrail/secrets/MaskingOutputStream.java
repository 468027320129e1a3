package io.contrail.secrets;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Masks a text stream line by line on its way to {@code out}: bytes are held until a line ends
 * ({@code \n} or {@code \r}), then the line is masked and written. A line is masked whole, so a
 * secret printed in several pieces is still found; {@link #flush} therefore keeps an unfinished
 * line, which goes out at {@link #close}, at {@link #flushLine} or once it is longer than
 * {@value #MAX_LINE} bytes. Used for attempt log files and the CLI's stdout and stderr.
 */
public final class MaskingOutputStream extends FilterOutputStream {
  static final int MAX_LINE = 64 * 1024;

  private final UnaryOperator<String> masker;
  private final Charset charset;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  /** A UTF-8 text stream. */
  public MaskingOutputStream(OutputStream out, UnaryOperator<String> masker) {
    this(out, masker, StandardCharsets.UTF_8);
  }

  public MaskingOutputStream(OutputStream out, UnaryOperator<String> masker, Charset charset) {
    super(out);
    this.masker = masker;
    this.charset = charset;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n' || b == '\r' || line.size() >= MAX_LINE) {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (b[i] == '\n' || b[i] == '\r') {
        line.write(b, start, i + 1 - start);
        start = i + 1;
        emit();
      }
    }
    line.write(b, start, end - start);
    if (line.size() >= MAX_LINE) {
      emit();
    }
  }

  /** Writes the unfinished line, if any, masked. */
  public synchronized void flushLine() throws IOException {
    emit();
    out.flush();
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      emit();
    } finally {
      super.close();
    }
  }

  private void emit() throws IOException {
    if (line.size() == 0) {
      return;
    }
    String text = line.toString(charset);
    line.reset();
    out.write(masker.apply(text).getBytes(charset));
  }
}
