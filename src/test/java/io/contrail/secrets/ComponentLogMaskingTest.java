package io.contrail.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Component log lines — the message and the stack trace, whoever logs them — pass the installed
 * masker through {@code %masked(...)}, as ConsoleLogging writes them to stderr.
 */
class ComponentLogMaskingTest {
  @Test
  void aLogLineAndItsStackTraceHaveTheProcessSecretsMasked() {
    SecretsMasker masker = SecretsMasker.defaults();
    masker.addAll(Map.of("db_password", "hunter2-pw"));
    LoggerContext context = new LoggerContext();
    context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY,
        new java.util.HashMap<>(Map.of("masked", MaskingConverter.class.getName())));
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%nopex%level %masked(%msg%n%ex)");
    encoder.start();
    Logger logger = context.getLogger("com.zaxxer.hikari");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
        "connection to jdbc:postgresql://db/x?password=hunter2-pw failed",
        new IllegalStateException("auth failed for hunter2-pw"), null);

    ProcessMasking.install(masker);
    String line;
    try {
      line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    } finally {
      ProcessMasking.uninstall(masker);
    }

    assertThat(line).startsWith("WARN connection to jdbc:postgresql://db/x?password=*** failed")
        .contains("IllegalStateException: auth failed for ***").doesNotContain("hunter2-pw");
  }
}
