package io.contrail.roles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the scheduler to stop instead of starting the JVM's exit at once: the
 * embedded database closes itself in a shutdown hook, so a graceful stop (running tasks finish or
 * are handed back) must happen before the exit sequence begins.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  static void onTerminate(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), s -> {
          LOG.info("received SIG{}: stopping gracefully", name);
          stop.run();
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("cannot handle SIG{}: {}", name, e.toString());
      }
    }
  }
}
