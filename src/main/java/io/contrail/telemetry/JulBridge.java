package io.contrail.telemetry;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes java.util.logging — the OpenTelemetry SDK's and the PostgreSQL driver's logging — to the
 * process's log output, the first time something that logs that way is about to run: a server at
 * start, an OpenTelemetry SDK being built, a PostgreSQL connection. A short command that needs
 * neither (listing runs on the embedded database) leaves java.util.logging uninitialised, whose
 * start-up looks up a {@code LoggerFinder} service in every jar of the class path.
 */
public final class JulBridge {
  private static volatile boolean installed;

  private JulBridge() {}

  public static void install() {
    if (installed) {
      return;
    }
    synchronized (JulBridge.class) {
      if (installed) {
        return;
      }
      if (!SLF4JBridgeHandler.isInstalled()) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
      }
      // java.util.logging's levels follow logback's, so records no appender wants are never made
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
        LevelChangePropagator levels = new LevelChangePropagator();
        levels.setContext(context);
        levels.setResetJUL(true);
        levels.start();
        context.addListener(levels);
      }
      installed = true;
    }
  }
}
