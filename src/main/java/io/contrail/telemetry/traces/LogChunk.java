package io.contrail.telemetry.traces;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The next lines of a log file from a byte offset: whole lines only (a line still being written
 * waits for its end), unless the file is complete, when a last line without a newline counts too.
 * At most {@code maxLines} lines and about {@code maxBytes} bytes are read, so memory stays one
 * batch however far behind the export is; a single line longer than that is cut into pieces.
 *
 * @param lines the lines, without their line ends
 * @param end the offset just past the last line returned
 * @param atEof whether {@code end} is the end of the file as it was read
 * @param missing whether the file does not exist
 */
record LogChunk(List<String> lines, long end, boolean atEof, boolean missing) {
  static LogChunk read(Path file, long offset, boolean complete, int maxLines, int maxBytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset >= size) {
        return new LogChunk(List.of(), Math.max(offset, 0), true, false);
      }
      int want = (int) Math.min(maxBytes, size - offset);
      ByteBuffer buf = ByteBuffer.allocate(want);
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
        // read until the buffer is full or the file ends
      }
      byte[] bytes = buf.array();
      int len = buf.position();
      List<String> lines = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < len && lines.size() < maxLines; i++) {
        if (bytes[i] == '\n') {
          lines.add(text(bytes, start, i));
          start = i + 1;
        }
      }
      boolean readToEnd = offset + len >= size;
      if (lines.size() < maxLines && start < len && ((complete && readToEnd) || (start == 0 && len == maxBytes))) {
        lines.add(text(bytes, start, len)); // the file's last line, or a line longer than a whole batch
        start = len;
      }
      long end = offset + start;
      return new LogChunk(lines, end, end >= size, false);
    } catch (NoSuchFileException e) {
      return new LogChunk(List.of(), offset, true, true);
    }
  }

  private static String text(byte[] bytes, int from, int to) {
    int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
    return new String(bytes, from, end - from, StandardCharsets.UTF_8);
  }
}
