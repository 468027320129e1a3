package io.contrail.rest;

import io.contrail.logserver.AttemptLogReader;
import io.contrail.run.DagRun;
import io.contrail.run.TaskInstance;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * the logs folder, symbolic links followed, or it is not read; when it is not on this machine it is
 * fetched from the log server of the worker that ran the try ({@link AttemptLogReader}).
 */
final class LogEndpoints implements Routes.Group {
  private final Path logsRoot;
  private final AttemptLogReader reader;
  private final Lookups lookups;

  LogEndpoints(Path logsRoot, AttemptLogReader reader, Lookups lookups) {
    this.logsRoot = logsRoot.toAbsolutePath().normalize();
    this.reader = reader;
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
    AttemptLogReader.AttemptLog log = reader.read(ti, n, 0);
    List<String> lines = lines(log);
    String source = log.origin() == AttemptLogReader.Origin.LOCAL
        ? logsRoot.relativize(Path.of(log.source())).toString()
        : log.server() != null ? "worker log server " + log.source() : log.source();
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

  /**
   * The log's lines; none when the try left no file. When the worker that has it cannot be reached,
   * lines saying so (as Airflow's "Could not read served logs"), so the UI shows why.
   */
  private static List<String> lines(AttemptLogReader.AttemptLog log) {
    if (log.problem() != null) {
      return List.of("*** Could not read the log from the worker's log server: " + log.problem(),
          "*** The try ran on host " + log.hostname() + "; its log is " + log.source()
              + " (under that host's [logs] base_log_folder)");
    }
    String text = log.text();
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    if (out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
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
