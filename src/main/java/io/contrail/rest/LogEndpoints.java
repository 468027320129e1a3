package io.contrail.rest;

import io.contrail.executor.TaskLogs;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The log of one try: JSON ({@code {"content": [{"event": ...}], "continuation_token": null}}),
 * NDJSON ({@code Accept: application/x-ndjson}) or, beyond Airflow, the file as it is
 * ({@code Accept: text/plain}). The file is found from validated ids only and must resolve inside
 * the logs folder, symbolic links followed, or it is not read.
 */
final class LogEndpoints implements Routes.Group {
  private final Path logsRoot;
  private final Lookups lookups;

  LogEndpoints(Path logsRoot, Lookups lookups) {
    this.logsRoot = logsRoot.toAbsolutePath().normalize();
    this.lookups = lookups;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}", this::log);
  }

  private enum Format { JSON, NDJSON, TEXT }

  private static Format format(Context ctx) {
    String accept = ctx.header("Accept");
    if (accept == null || accept.isBlank()) {
      return Format.JSON;
    }
    String a = accept.strip().toLowerCase(Locale.ROOT);
    if (a.startsWith("*/*") || a.startsWith("application/json")) {
      return Format.JSON;
    }
    if (a.startsWith("application/x-ndjson")) {
      return Format.NDJSON;
    }
    if (a.startsWith("text/plain")) {
      return Format.TEXT;
    }
    throw new ApiException(406, "Only application/json, application/x-ndjson or text/plain is supported");
  }

  private void log(Context ctx) throws IOException {
    Format format = format(ctx);
    DagRun run = lookups.run(ctx);
    TaskInstance ti;
    try {
      ti = lookups.taskInstance(ctx, run);
    } catch (ApiException e) {
      throw ApiException.notFound("TaskInstance not found");
    }
    int n = TaskEndpoints.tryNumber(ctx, "try_number");
    Params p = Params.of(ctx);
    p.bool("full_content", false);
    p.integer("map_index", -1, null);
    p.check();
    if (n < 1 || n > ti.tryNumber()) {
      throw ApiException.notFound("TaskInstance not found");
    }
    Path file = TaskLogs.attemptLog(logsRoot, ti.key(), n).toAbsolutePath().normalize();
    List<String> lines = read(file);
    String source = logsRoot.relativize(file).toString();
    switch (format) {
      case TEXT -> ctx.status(200).contentType("text/plain; charset=utf-8")
          .result(lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
      case NDJSON -> {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> entry : entries(source, lines, true)) {
          b.append(new String(Responses.bytes(entry), StandardCharsets.UTF_8)).append('\n');
        }
        ctx.status(200).contentType("application/x-ndjson").result(b.toString());
      }
      case JSON -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("content", entries(source, lines, false));
        m.put("continuation_token", null);
        Responses.json(ctx, m);
      }
    }
  }

  /** The file's lines; none when the try left no file. Never anything outside the logs folder. */
  private List<String> read(Path file) throws IOException {
    if (!file.startsWith(logsRoot)) {
      throw ApiException.notFound("TaskInstance not found");
    }
    try {
      Path real = file.toRealPath();
      if (!real.startsWith(logsRoot.toRealPath())) {
        throw ApiException.notFound("TaskInstance not found");
      }
      return Files.readAllLines(real, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (java.nio.charset.MalformedInputException e) {
      return List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    }
  }

  /** Airflow's header group naming the source, then one entry per line. */
  private static List<Map<String, Object>> entries(String source, List<String> lines, boolean withTimestamp) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String header : List.of("::group::Log message source details", source, "::endgroup::")) {
      out.add(entry(header, withTimestamp));
    }
    for (String line : lines) {
      out.add(entry(line, withTimestamp));
    }
    return out;
  }

  private static Map<String, Object> entry(String event, boolean withTimestamp) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (withTimestamp) {
      m.put("timestamp", null);
    }
    m.put("event", event);
    return m;
  }
}
