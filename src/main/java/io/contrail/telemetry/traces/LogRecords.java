package io.contrail.telemetry.traces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrail.executor.LogLines;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.secrets.SecretsMasker;
import io.contrail.telemetry.ContrailResource;
import io.contrail.telemetry.TraceContexts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns log lines into OTel log records as a backend expects them: each with its own timestamp,
 * a severity (stdout INFO, stderr WARN, or the level a line begins with), the attempt's trace
 * context and the attributes {@code contrail.dag_id}, {@code contrail.run_id},
 * {@code contrail.task_id}, {@code contrail.try_number} and {@code log.iostream}; component records
 * with their own level, logger, thread and trace context. Records are built through an SDK logger
 * (resource, scope, limits as everywhere) into the current batch rather than any export pipeline.
 * One thread at a time.
 */
final class LogRecords {
  static final AttributeKey<String> DAG_ID = AttributeKey.stringKey("contrail.dag_id");
  static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("contrail.run_id");
  static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("contrail.task_id");
  static final AttributeKey<Long> TRY_NUMBER = AttributeKey.longKey("contrail.try_number");
  static final AttributeKey<String> STREAM = AttributeKey.stringKey("log.iostream");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LEVEL = Pattern.compile(
      "^\\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)(?![A-Za-z])", Pattern.CASE_INSENSITIVE);

  private final List<LogRecordData> batch = new ArrayList<>();
  private final SdkLoggerProvider provider;
  private final Logger logger;
  private final SecretsMasker masker;
  private final Clock clock;

  LogRecords(Resource resource, SecretsMasker masker, Clock clock) {
    this.masker = masker;
    this.clock = clock;
    this.provider = SdkLoggerProvider.builder().setResource(resource).setClock(io.opentelemetry.sdk.common.Clock.getDefault())
        .addLogRecordProcessor(new LogRecordProcessor() {
          @Override
          public void onEmit(Context context, ReadWriteLogRecord record) {
            batch.add(record.toLogRecordData());
          }
        }).build();
    this.logger = provider.loggerBuilder(ContrailResource.SCOPE).setInstrumentationVersion(ContrailResource.VERSION).build();
  }

  /** The records built since the last call. */
  List<LogRecordData> take() {
    List<LogRecordData> out = List.copyOf(batch);
    batch.clear();
    return out;
  }

  int size() {
    return batch.size();
  }

  /** One line of an attempt's log. */
  void attemptLine(DagRun run, TaskAttempt attempt, String raw) {
    LogLines.Line line = LogLines.parse(raw);
    Severity severity = severity(line);
    io.opentelemetry.api.logs.LogRecordBuilder b = logger.logRecordBuilder()
        .setContext(TraceContexts.remoteParent(run.trace().traceId(), attempt.spanId(), run.trace().flags()))
        .setSeverity(severity).setSeverityText(severity == Severity.WARN ? "WARN" : severity.name())
        .setBody(ValueLimits.truncate(masker.mask(line.text())))
        .setObservedTimestamp(clock.instant())
        .setAttribute(DAG_ID, run.dagId()).setAttribute(RUN_ID, run.runId())
        .setAttribute(TASK_ID, attempt.taskId()).setAttribute(TRY_NUMBER, (long) attempt.tryNumber())
        .setAttribute(STREAM, line.stream().id());
    if (line.time() != null) {
      b.setTimestamp(line.time()); // a line written before lines were stamped has only its observed time
    }
    b.emit();
  }

  /** The level a line begins with ("ERROR: ...", "[WARNING] ..."), else INFO on stdout and WARN on stderr. */
  static Severity severity(LogLines.Line line) {
    Matcher m = LEVEL.matcher(line.text());
    if (m.find()) {
      return switch (m.group(1).toUpperCase(Locale.ROOT)) {
        case "TRACE" -> Severity.TRACE;
        case "DEBUG" -> Severity.DEBUG;
        case "INFO", "NOTICE" -> Severity.INFO;
        case "WARN", "WARNING" -> Severity.WARN;
        case "FATAL", "CRITICAL" -> Severity.FATAL;
        default -> Severity.ERROR;
      };
    }
    return line.stream() == LogLines.Stream.STDERR ? Severity.WARN : Severity.INFO;
  }

  /** One line of a component spool (see {@link ComponentSpool}); false when it is not a record. */
  boolean componentLine(String raw) {
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      return false; // a line cut short by a crash
    }
    if (n == null || !n.has("t")) {
      return false;
    }
    long t = n.path("t").asLong();
    String level = n.path("level").asText("INFO");
    Severity severity = switch (level) {
      case "ERROR" -> Severity.ERROR;
      case "WARN" -> Severity.WARN;
      case "DEBUG" -> Severity.DEBUG;
      case "TRACE" -> Severity.TRACE;
      default -> Severity.INFO;
    };
    Context ctx = n.has("trace_id")
        ? TraceContexts.remoteParent(n.path("trace_id").asText(), n.path("span_id").asText(), n.path("flags").asInt(1))
        : Context.root();
    io.opentelemetry.api.logs.LogRecordBuilder b = logger.logRecordBuilder().setContext(ctx)
        .setTimestamp(Instant.ofEpochSecond(t / 1_000_000_000L, t % 1_000_000_000L)).setObservedTimestamp(clock.instant())
        .setSeverity(severity).setSeverityText(level)
        .setBody(ValueLimits.truncate(masker.mask(n.path("msg").asText(""))))
        .setAttribute(AttributeKey.stringKey("logger.name"), n.path("logger").asText(""))
        .setAttribute(AttributeKey.stringKey("thread.name"), n.path("thread").asText(""));
    for (String key : List.of("exception.type", "exception.message", "exception.stacktrace")) {
      if (n.has(key)) {
        b.setAttribute(AttributeKey.stringKey(key), ValueLimits.truncate(masker.mask(n.path(key).asText())));
      }
    }
    b.emit();
    return true;
  }

  void close() {
    provider.close();
  }
}
