package io.contrail.secrets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %masked(...)} in the log pattern (io.contrail.cli.ConsoleLogging): the component log line (message and stack trace) with the
 * process's secrets masked ({@link ProcessMasking}), whoever logged it — Contrail, HikariCP, the
 * OpenTelemetry SDK.
 */
public final class MaskingConverter extends CompositeConverter<ILoggingEvent> {
  @Override
  protected String transform(ILoggingEvent event, String in) {
    return ProcessMasking.mask(in);
  }
}
