package io.contrail.telemetry.traces;

import static io.contrail.testing.Fixtures.aRun;
import static io.contrail.testing.Fixtures.aTaskInstance;
import static io.contrail.testing.Fixtures.at;
import static io.contrail.testing.Fixtures.attemptOf;
import static io.contrail.testing.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.executor.TaskLogs;
import io.contrail.operations.RunSecrets;
import io.contrail.run.DagRun;
import io.contrail.run.TaskAttempt;
import io.contrail.run.TaskInstance;
import io.contrail.secrets.SecretsMasker;
import io.contrail.storage.RunStore;
import io.contrail.storage.memory.InMemoryStores;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The masker on the telemetry Contrail exports: a run's conf as a span attribute (nested and listed
 * secrets), a failed attempt's exception event and status (a secret in a failing URL and in an
 * exception message), OTel log records (body and attributes) whoever emitted them, and a shell
 * task's output, stored as printed, as it becomes log records.
 */
class TelemetryMaskingTest {
  private static final String CONF = """
      {"db_password": "hunter2-pw", "nested": {"secret_key": "nested-s3cret"}, "list": [{"pwd": "listed-pw-1"}],
       "api_token": "tok-123456", "region": "eu-west-1"}""";

  private final SecretsMasker masker = SecretsMasker.defaults();

  @Test
  void theRunSpansConfAttributeHasItsSecretsMaskedAtAnyDepth() {
    DagRun run = aRun("vault").conf(CONF).build();

    String conf = SpanMapper.runSpan(run, new SpanTimes(run, null, List.of(), List.of()).run(), Resource.getDefault(), masker)
        .getAttributes().get(AttributeKey.stringKey("contrail.conf"));

    assertThat(conf).contains("\"db_password\":\"***\"", "\"secret_key\":\"***\"", "\"pwd\":\"***\"",
        "\"region\":\"eu-west-1\"").doesNotContain("hunter2-pw", "nested-s3cret", "listed-pw-1", "tok-123456");
  }

  @Test
  void aFailedAttemptsExceptionEventAndStatusHaveTheSecretsOfItsRunMasked() {
    DagRun run = aRun("vault").conf(CONF).build();
    RunSecrets.register(masker, run, null);
    TaskInstance failed = running(aTaskInstance(run, "call", "default_pool", 1, 5, 1), 7).toFinished(false, at(9), Duration.ZERO, false);
    String error = "GET http://deploy:hook-pass-9@api.example/hook?access_token=tok-123456 failed:"
        + " java.io.IOException: server said 'bad credentials hunter2-pw'";

    TaskAttempt attempt = attemptOf(failed, null, error);
    SpanTimes.Window window = new SpanTimes(run, null, List.of(failed), List.of(attempt)).attempt(attempt);

    SpanData span = SpanMapper.attemptSpan(attempt, failed, run, window, Resource.getDefault(), masker);

    EventData exception = span.getEvents().stream().filter(e -> e.getName().equals("exception")).findFirst().orElseThrow();
    String all = exception.getAttributes().toString() + span.getStatus().getDescription();
    assertThat(all).doesNotContain("tok-123456", "hunter2-pw", "hook-pass-9")
        .contains("access_token=***", "deploy:***@api.example");
  }

  @Test
  void exportedLogRecordsHaveTheirBodyAndAttributesMasked() {
    masker.addSecret("registered-secret");
    InMemoryLogRecordExporter exported = InMemoryLogRecordExporter.create();
    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(new MaskingLogRecordExporter(exported, masker))).build()) {
      provider.get("io.contrail.task").logRecordBuilder().setSeverity(Severity.ERROR)
          .setBody("[contrail] $ curl -H 'Authorization: Bearer abcdef123456' --token=registered-secret")
          .setAttribute(AttributeKey.stringKey("exception.message"), "login failed for postgres://u:pg-pass-1@db/x")
          .setAttribute(AttributeKey.stringKey("http.request.header.x_api_key"), "k1")
          .setAttribute(AttributeKey.longKey("contrail.try_number"), 2L)
          .emit();
      provider.forceFlush();
      var record = exported.getFinishedLogRecordItems().get(0);
      assertThat(record.getBodyValue().asString()).isEqualTo("[contrail] $ curl -H 'Authorization: Bearer ***' --token=***");
      assertThat(record.getAttributes().get(AttributeKey.stringKey("exception.message")))
          .isEqualTo("login failed for postgres://u:***@db/x");
      assertThat(record.getAttributes().get(AttributeKey.stringKey("http.request.header.x_api_key")))
          .as("a secret-named attribute, however short").isEqualTo("***");
      assertThat(record.getAttributes().get(AttributeKey.longKey("contrail.try_number"))).isEqualTo(2L);
    }
  }

  @Test
  void aShellTasksOutputIsMaskedAsItBecomesLogRecordsEvenForATryThisProcessDidNotRun(@TempDir Path logs)
      throws Exception {
    // as after a crash: the try was run (and its output written unmasked by the wrapper) elsewhere
    DagRun run = aRun("vault").conf(CONF).build();
    TaskInstance finished = running(aTaskInstance(run, "shell", "default_pool", 1, 5, 1), 7).toFinished(true, at(9), Duration.ZERO, false);
    RunStore runs = InMemoryStores.create().runs();
    runs.createRun(run, List.of(finished));
    Path log = TaskLogs.attemptLog(logs, finished.key(), finished.tryNumber());
    Files.createDirectories(log.getParent());
    Files.writeString(log, "2026-01-01T00:00:01.000000Z stdout [contrail] $ echo ***\n"
        + "2026-01-01T00:00:02.000000Z stderr connecting with hunter2-pw and tok-123456 in eu-west-1\n");
    InMemoryLogRecordExporter exported = InMemoryLogRecordExporter.create();
    LogOutboxExporter shipper = new LogOutboxExporter(null, runs, logs, "localhost",
        new LogDelivery(List.of(exported), Duration.ofSeconds(5), SecretsMasker.defaults()), Resource.getDefault(),
        SecretsMasker.defaults(), java.time.Clock.systemUTC(), LogOutboxExporter.Options.defaults());

    assertThat(shipper.exportAttempt(run, attemptOf(finished, 0, null))).isEqualTo(2);

    assertThat(exported.getFinishedLogRecordItems()).extracting(r -> r.getBodyValue().asString())
        .containsExactly("[contrail] $ echo ***", "connecting with *** and *** in eu-west-1");
    assertThat(exported.getFinishedLogRecordItems()).extracting(r -> r.getSeverity())
        .containsExactly(Severity.INFO, Severity.WARN);
  }
}
