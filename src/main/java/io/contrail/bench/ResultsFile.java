package io.contrail.bench;

import io.contrail.storage.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Appends one dated row per benchmark run, with the machine it ran on, to bench/RESULTS.md. */
final class ResultsFile {
  private static final String HEADER = "\n## Raw results (appended by `./contrail bench`)\n\n"
      + "| date (UTC) | scenario | db | figures | machine |\n|---|---|---|---|---|\n";

  private ResultsFile() {}

  static void append(Path file, String scenario, String db, Map<String, Object> figures) throws IOException {
    Files.createDirectories(file.getParent());
    String existing = Files.exists(file) ? Files.readString(file) : "# Benchmark results\n";
    StringBuilder b = new StringBuilder();
    if (!existing.contains("## Raw results")) {
      b.append(HEADER);
    }
    b.append("| ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" | ").append(scenario)
        .append(" | ").append(db).append(" | `").append(Json.write(figures).replace("|", "\\|"))
        .append("` | ").append(machine()).append(" |\n");
    Files.writeString(file, b.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static String machine() {
    String cpu = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException ignored) {
      // not Linux
    }
    long memGb = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize() / (1024L * 1024 * 1024);
    return Runtime.getRuntime().availableProcessors() + " cores, " + memGb + " GiB, " + cpu
        + ", Java " + System.getProperty("java.version");
  }
}
