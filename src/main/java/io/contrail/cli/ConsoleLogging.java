package io.contrail.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.contrail.secrets.MaskingConverter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every process's logging set-up, found by logback through its {@code Configurator} service: the
 * same as a logback.xml would say, without loading logback's XML configuration machinery (about a
 * third of the classes a short command loaded, and 15 ms of its start-up). Component logs go to
 * stderr so that stdout (tables and JSON output) stays clean; every line, message and stack trace,
 * passes the process's secrets masker ({@code %masked}); lines logged while a task attempt runs carry
 * its trace_id and span_id (MDC). Levels and whether the console gets stack traces come from the
 * system properties {@link ProcessLogging} sets first. A logback file of the operator's own
 * ({@code -Dlogback.configurationFile=...}) replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
  /** The console line; {@code %masked} is {@link MaskingConverter}. ProcessLogging's file uses the same. */
  static final String PATTERN = "%nopex%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{24}"
      + "%replace( trace_id=%X{trace_id} span_id=%X{span_id}){' trace_id= span_id=', ''} - %masked(%msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    // java.util.logging is bridged, with its levels in step, when something that uses it runs (JulBridge)
    // a database that cannot be reached is reported by the command as one line (ExitCodes)
    ProcessLogging.QuietPoolStart quietPoolStart = new ProcessLogging.QuietPoolStart();
    quietPoolStart.setContext(context);
    quietPoolStart.start();
    context.addTurboFilter(quietPoolStart);
    Map<String, Supplier<DynamicConverter<?>>> rules = new HashMap<>();
    rules.put("masked", MaskingConverter::new);
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    // short commands print no stack traces unless --verbose; CONTRAIL_HOME/logs/contrail.log has them
    encoder.setPattern(PATTERN + System.getProperty("contrail.log.console.ex", "%ex") + ")");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    level(context, "io.contrail", System.getProperty("contrail.log.level"), Level.INFO);
    level(context, "io.opentelemetry", System.getProperty("contrail.otel.log.level"), Level.WARN);
    // otel_debugging_on: the SDK's console span exporter logs each span at INFO; printed whatever the
    // level above, and not fed back into the OpenTelemetry log appender on root
    Logger spans = level(context, "io.opentelemetry.exporter.logging", null, Level.INFO);
    spans.setAdditive(false);
    spans.addAppender(stderr);
    level(context, "com.zaxxer.hikari", null, Level.WARN);
    level(context, "org.flywaydb", null, Level.WARN);
    Logger root = level(context, Logger.ROOT_LOGGER_NAME, null, Level.WARN);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Logger level(LoggerContext context, String name, String level, Level otherwise) {
    Logger logger = context.getLogger(name);
    logger.setLevel(Level.toLevel(level, otherwise));
    return logger;
  }
}
