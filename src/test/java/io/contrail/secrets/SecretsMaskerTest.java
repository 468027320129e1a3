package io.contrail.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsMaskerTest {
  private final SecretsMasker masker = SecretsMasker.defaults();

  @Test
  void namesThatLookSecretAreTheOnesAirflowMasks() {
    SecretNames names = SecretNames.defaults();
    assertThat(List.of("password", "db_password", "DB_PASSWD", "pwd", "api_token", "accessToken", "secret_key",
        "X-Api-Key", "apiKey", "key", "Authorization", "aws_secret_access_key", "private", "credentials",
        "oauth_token", "Cookie", "passphrase")).allMatch(names::looksSecret);
    assertThat(List.of("monkey", "author", "region", "keyboard_layout", "dag_id", "passenger", "hotkeys_enabled"))
        .as("names that merely contain key, auth or pass").noneMatch(names::looksSecret);
  }

  @Test
  void sensitiveVarConnNamesAddNames() {
    SecretNames names = SecretNames.with(List.of(" Hmac ", "", "pin"));
    assertThat(names.looksSecret("webhook_hmac")).isTrue();
    assertThat(names.looksSecret("PIN_CODE")).isTrue();
    assertThat(SecretNames.defaults().looksSecret("webhook_hmac")).isFalse();
  }

  @Test
  void registeredValuesAreMaskedAnywhereInTextButShortOnesAreNot() {
    masker.addAll(Map.of("db_password", "hunter2", "api_token", "abc", "region", "eu-west-1"));
    assertThat(masker.mask("connecting with hunter2 to eu-west-1 (token abc)"))
        .isEqualTo("connecting with *** to eu-west-1 (token abc)");
  }

  @Test
  void secretsAreFoundAtAnyDepthOfJsonAndInLists() {
    masker.addAll(Map.of(
        "nested", Map.of("secret_key", "nested-secret", "deeper", Map.of("pwd", 123456)),
        "list", List.of(Map.of("password", "in-a-list"), "plain"),
        "tokens", List.of("first-token", "second-token"),
        "db_url", "postgres://app:url-pass@db.example/contrail"));
    assertThat(masker.mask("nested-secret 123456 in-a-list first-token second-token url-pass plain"))
        .isEqualTo("*** *** *** *** *** *** plain");
  }

  @Test
  void redactMasksEverySecretKeyWhateverItsLengthAndKeepsTheRest() {
    Map<String, Object> conf = Map.of("db_password", "x", "api_token", "abc", "region", "eu",
        "nested", Map.of("secret_key", Map.of("a", 1)), "list", List.of(Map.of("password", "p", "user", "bob")));
    assertThat(masker.redact(conf)).isEqualTo(Map.of("db_password", "***", "api_token", "***", "region", "eu",
        "nested", Map.of("secret_key", "***"), "list", List.of(Map.of("password", "***", "user", "bob"))));
  }

  @Test
  void aJsonDocumentIsMaskedByKeyAtAnyDepthAndItsStringsAsText() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode conf = json.readTree("""
        {"db_password": "hunter2", "api_token": "abc", "count": 3, "nested": {"secret_key": 42, "region": "eu"},
         "list": [{"password": "in-a-list"}, "postgres://u:pass-in-url@h/db"], "none": null, "pwd": null}""");
    String before = conf.toString();

    com.fasterxml.jackson.databind.JsonNode masked = masker.mask(conf);

    assertThat(masked.toString()).isEqualTo("""
        {"db_password":"***","api_token":"***","count":3,"nested":{"secret_key":"***","region":"eu"},\
        "list":[{"password":"***"},"postgres://u:***@h/db"],"none":null,"pwd":null}""");
    assertThat(conf.toString()).as("the argument is not changed").isEqualTo(before);
  }

  @Test
  void urlPasswordsAndSecretParametersAreMaskedWithoutBeingRegistered() {
    assertThat(masker.mask("GET postgres://u:pass@h/db and https://x.io/a?access_token=t0k3n&page=2#f"))
        .isEqualTo("GET postgres://u:***@h/db and https://x.io/a?access_token=***&page=2#f");
    assertThat(masker.mask("$ ./sync --token=abc --password 'x' --region=eu"))
        .isEqualTo("$ ./sync --token=*** --password 'x' --region=eu");
    assertThat(masker.mask("jdbc:postgresql://h/db?user=a&password=s3cret;x")).isEqualTo("jdbc:postgresql://h/db?user=a&password=***;x");
  }

  @Test
  void pairsHeadersAndBearerTokensAreMasked() {
    assertThat(masker.mask("{\"password\": \"p@ss w\\\"ord\", \"user\": \"bob\"}"))
        .isEqualTo("{\"password\": \"***\", \"user\": \"bob\"}");
    assertThat(masker.mask("{'api_key': 'k-1', 'n': 'v'}")).isEqualTo("{'api_key': '***', 'n': 'v'}");
    assertThat(masker.mask("Authorization: Bearer eyJhbGciOi.x.y")).isEqualTo("Authorization: Bearer ***");
    assertThat(masker.mask("curl -H 'X-Api-Key: k3y-value' https://h")).isEqualTo("curl -H 'X-Api-Key: ***' https://h");
    assertThat(masker.mask("sent bearer abcdefgh")).isEqualTo("sent bearer ***");
    assertThat(masker.mask("at 2026-01-01T12:30:00Z jdbc:h2:file:/x region: eu")).isEqualTo("at 2026-01-01T12:30:00Z jdbc:h2:file:/x region: eu");
  }

  @Test
  void maskingTwiceChangesNothingMore() {
    masker.addSecret("hunter22");
    String once = masker.mask("pw hunter22 at postgres://u:p@h?token=z");
    assertThat(masker.mask(once)).isEqualTo(once).doesNotContain("hunter22").doesNotContain(":p@");
  }

  @Test
  void aMultiLineSecretIsMaskedLineByLineAndInItsEncodedForms() {
    masker.addSecret("-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----");
    masker.addSecret("p&ss wörd");
    assertThat(masker.mask("line MIIEvQIBADANBg")).isEqualTo("line ***");
    assertThat(masker.mask("q=p%26ss+w%C3%B6rd")).isEqualTo("q=***");
  }

  @Test
  void theRegistryForgetsTheOldestValuesBeyondItsCapacity() {
    for (int i = 0; i < SecretsMasker.CAPACITY + 10; i++) {
      masker.addSecret("secret-" + i);
    }
    assertThat(masker.mask("secret-0")).isEqualTo("secret-0");
    assertThat(masker.mask("secret-" + (SecretsMasker.CAPACITY + 9))).isEqualTo("***");
  }

  @Test
  void thousandsOfSecretsStillMaskALineQuickly() {
    for (int i = 0; i < 5_000; i++) {
      masker.addSecret("value-number-" + i);
    }
    String line = "an ordinary log line of about a hundred characters, with value-number-4999 inside it, and more";
    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      masker.mask(line);
    }
    long micros = (System.nanoTime() - start) / 10_000 / 1000;
    assertThat(masker.mask(line)).contains("with *** inside");
    assertThat(micros).as("microseconds per line with 5,000 secrets").isLessThan(200);
  }

  @Test
  void aStreamMasksWholeLinesEvenWhenASecretArrivesInPieces() throws IOException {
    masker.addSecret("hunter2-long");
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    MaskingOutputStream stream = new MaskingOutputStream(file, masker::mask);
    PrintStream log = new PrintStream(stream, true, StandardCharsets.UTF_8);
    log.print("pw: hun");
    log.flush();
    assertThat(file.toString(StandardCharsets.UTF_8)).as("nothing of an unfinished line").isEmpty();
    log.print("ter2-long\nnext ");
    log.print("line hunter2-long");
    stream.close();
    assertThat(file.toString(StandardCharsets.UTF_8)).isEqualTo("pw: ***\nnext line ***");
  }
}
