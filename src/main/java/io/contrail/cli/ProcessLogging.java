package io.contrail.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.spi.FilterReply;
import io.contrail.security.PrivateFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Where a {@code contrail} process logs. Servers ({@code standalone}, {@code scheduler}) log at INFO
 * to stderr, stack traces included: that is their log. Other commands log warnings only, one line
 * each without stack traces unless {@code --verbose}, so that their output stays readable. Every
 * process also appends its warnings and errors, with full stack traces, to
 * {@code CONTRAIL_HOME/logs/contrail.log} (in prudent mode: several processes share the file).
 * Must run before the first logger is created, which is why only {@link Main#main} calls it.
 */
final class ProcessLogging {
  /** The logger of internal errors: to the log file only, the terminal gets one line. */
  static final String ERRORS_LOGGER = "io.contrail.cli.errors";
  /** As the console's (ConsoleLogging): message and stack trace pass the secrets masker (%masked). */
  private static final String PATTERN = ConsoleLogging.PATTERN + "%ex)";

  private static volatile Path logFile;

  private ProcessLogging() {}

  static void configure(Path home, boolean server, boolean verbose) {
    System.setProperty("contrail.log.level", server || verbose ? "INFO" : "WARN");
    System.setProperty("contrail.log.console.ex", server || verbose ? "%ex" : "%nopex");
    // a short command says in one line what is left when the collector is away (spans wait in the
    // database); the SDK's own export errors, with their stack traces, only with --verbose
    System.setProperty("contrail.otel.log.level", verbose ? "INFO" : server ? "WARN" : "OFF");
    Path file = home.resolve("logs").resolve("contrail.log");
    try {
      // the component log is its user's alone, as every file under CONTRAIL_HOME (0600 in 0700)
      PrivateFiles.createDirectories(file.getParent());
      try {
        PrivateFiles.createFile(file);
      } catch (FileAlreadyExistsException exists) {
        PrivateFiles.restrict(file); // also one an older Contrail wrote 0644
      }
    } catch (IOException | RuntimeException e) {
      return; // no log file then: the terminal line says to use --verbose
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setPrudent(true);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    appender.setEncoder(encoder);
    ThresholdFilter warnings = new ThresholdFilter();
    warnings.setLevel("WARN");
    warnings.start();
    appender.addFilter(warnings);
    appender.start();
    if (!appender.isStarted()) {
      return;
    }
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    Logger errors = context.getLogger(ERRORS_LOGGER);
    errors.setAdditive(false);
    errors.setLevel(Level.DEBUG);
    errors.addAppender(appender);
    logFile = file;
  }

  /** For the one line of an internal error: where its stack trace is. */
  static String whereStackTracesGo() {
    Path file = logFile;
    return file == null ? "run again with --verbose for the stack trace"
        : "stack trace in " + file + "; --verbose prints it here";
  }

  /**
   * Drops HikariPool's own report of a pool that cannot start (a 45-line stack trace): the command
   * reports the same failure as one line with its cause, and its stack trace goes to the log file.
   */
  public static final class QuietPoolStart extends TurboFilter {
    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
        Throwable t) {
      boolean poolStart = format != null && format.contains("Exception during pool initialization")
          && logger.getName().startsWith("com.zaxxer.hikari");
      return poolStart ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
  }
}
