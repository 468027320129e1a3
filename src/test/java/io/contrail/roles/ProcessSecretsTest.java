package io.contrail.roles;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.config.ConfigLoader;
import io.contrail.config.ContrailConfig;
import io.contrail.config.Environment;
import io.contrail.secrets.SecretNames;
import io.contrail.secrets.SecretsMasker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a process masks before it prints anything: the secrets of its configuration. */
class ProcessSecretsTest {
  @Test
  void theConfiguredApiAndLogServerSecretsAreMaskedFromTheStart(@TempDir Path home) throws Exception {
    Files.writeString(home.resolve("contrail.cfg"), """
        [api]
        admin_password = admin-pw-from-cfg
        jwt_secret = signing-key-from-cfg
        [worker]
        log_server_secret = log-key-from-cfg
        """);
    ContrailConfig config = ConfigLoader.load(home, Map.of());
    SecretsMasker masker = SecretsMasker.create(SecretNames.with(config.core().sensitiveVarConnNames()));

    ProcessSecrets.register(masker, config, Environment.of(Map.of()));

    assertThat(masker.mask("login admin-pw-from-cfg, key signing-key-from-cfg, logs log-key-from-cfg"))
        .isEqualTo("login ***, key ***, logs ***");
  }
}
