package io.contrail.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logback for SLF4J, set up by {@link ConsoleLogging} directly: what logback's own provider does,
 * without the two service look-ups on the way ({@code SLF4JServiceProvider}, then logback's
 * {@code Configurator}s). A service look-up reads every jar of the class path, and the first one in
 * a process opens all 113 of them (about 30 ms of a short command). {@link Main} names this class
 * in SLF4J's {@code slf4j.provider} property; with {@code -Dlogback.configurationFile} logback's
 * usual configuration runs instead, so an operator's own file still wins.
 */
public final class LoggingProvider implements SLF4JServiceProvider {
  private LoggerContext context;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  @Override
  public void initialize() {
    context = new LoggerContext();
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    LogbackMDCAdapter adapter = new LogbackMDCAdapter();
    context.setMDCAdapter(adapter);
    mdc = adapter;
    markers = new BasicMarkerFactory();
    if (System.getProperty("logback.configurationFile") != null) {
      try {
        new ContextInitializer(context).autoConfig();
      } catch (JoranException e) {
        // reported below, as logback's own provider does
      }
      new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
    } else {
      ConsoleLogging logging = new ConsoleLogging();
      logging.setContext(context);
      logging.configure(context);
    }
    context.start();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return context;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
