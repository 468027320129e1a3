package io.contrail.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.contrail.storage.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Plain-text tables and {@code --json} output for the listing commands. */
final class Output {
  private Output() {}

  static void json(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  /** Prints rows under a header with columns padded to their widest cell. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], cell(row.get(i)).length());
      }
    }
    for (int r = 0; r < all.size(); r++) {
      StringBuilder b = new StringBuilder();
      List<String> row = all.get(r);
      for (int i = 0; i < row.size(); i++) {
        String c = cell(row.get(i));
        b.append(c);
        if (i < row.size() - 1) {
          b.append(" ".repeat(width[i] - c.length() + 2));
        }
      }
      out.println(b.toString().stripTrailing());
      if (r == 0) {
        int total = 0;
        for (int w : width) {
          total += w + 2;
        }
        out.println("-".repeat(Math.max(0, total - 2)));
      }
    }
    out.flush();
  }

  private static String cell(String s) {
    return s == null ? "" : s;
  }

  static String time(Instant t) {
    return t == null ? "" : t.toString();
  }

  static String duration(Instant start, Instant end) {
    if (start == null || end == null) {
      return "";
    }
    Duration d = Duration.between(start, end);
    return String.format("%.3fs", d.toMillis() / 1000.0);
  }
}
