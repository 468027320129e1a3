package io.contrail.telemetry.traces;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import org.slf4j.LoggerFactory;

/**
 * With {@code [logs] otel_on}, the component log lines (scheduler, executor, DAG processing ...)
 * are also exported as OTel log records, through the OpenTelemetry logback appender attached to
 * the root logger; the trace_id/span_id of a line logged during an attempt go along as attributes.
 */
final class ComponentLogs implements AutoCloseable {
  private final OpenTelemetryAppender appender = new OpenTelemetryAppender();
  private final Logger root;

  ComponentLogs(OpenTelemetry openTelemetry) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    appender.setContext(context);
    appender.setName("otel");
    appender.setOpenTelemetry(openTelemetry);
    appender.setCaptureMdcAttributes("trace_id,span_id");
    appender.setCaptureExperimentalAttributes(true);
    appender.start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
