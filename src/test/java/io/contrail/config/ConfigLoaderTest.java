package io.contrail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path home;

  private Path cfg() {
    return home.resolve("contrail.cfg");
  }

  private void writeCfg(String text) throws IOException {
    Files.writeString(cfg(), text);
  }

  private ContrailConfig load(Map<String, String> env) {
    return ConfigLoader.load(home, env);
  }

  @Test
  void firstLoadWritesTheDefaultFileAndItLoadsBackToDefaults() throws IOException {
    ContrailConfig config = load(Map.of());

    assertThat(cfg()).exists();
    assertThat(Files.readString(cfg())).isEqualTo(ConfigLoader.defaultFileText(home));
    assertThat(config).isEqualTo(ContrailConfig.defaults(home));
    assertThat(config.core().dagsFolder()).isEqualTo(home.resolve("dags"));
    assertThat(config.core().executor()).isEqualTo("local");
    assertThat(config.core().parallelism()).isEqualTo(32);
    assertThat(config.core().defaultPoolSlots()).isEqualTo(128);
    assertThat(config.database().url()).isEqualTo("jdbc:h2:file:" + home.resolve("contrail"));
    assertThat(config.database().poolSize()).isEqualTo(10);
    assertThat(config.scheduler())
        .isEqualTo(new ContrailConfig.Scheduler(1000, 2000, 30000, 5000, 30000, 3));
    assertThat(config.metrics().statsdPort()).isEqualTo(8125);
    assertThat(config.metrics().otelProtocol()).isEqualTo("grpc");
    assertThat(config.metrics().metricsAllowList()).isEmpty();
    assertThat(config.metrics().legacyNamesOn()).isTrue();
    assertThat(config.metricsTags()).isEmpty();
    assertThat(config.traces().schedulerSpans()).isEqualTo("slow");
    assertThat(config.traces().slowLoopThresholdMs()).isEqualTo(500);
    assertThat(config.logs().baseLogFolder()).isEqualTo(home.resolve("logs"));
  }

  @Test
  void defaultFileHasEveryKeyWithAComment() {
    String text = ConfigLoader.defaultFileText(home);

    assertThat(text).contains("[core]", "[database]", "[scheduler]", "[metrics]",
        "[metrics_tags]", "[traces]", "[logs]");
    assertThat(text).containsPattern("(?m)^dags_folder = " + Pattern.quote(
        home.resolve("dags").toString()) + " +; ");
    assertThat(text).containsPattern("(?m)^default_pool_slots = 128 +; ");
    assertThat(text).containsPattern("(?m)^metrics_allow_list = +; ");
  }

  @Test
  void existingFileIsNotOverwritten() throws IOException {
    writeCfg("[core]\nparallelism = 4\n");

    ContrailConfig config = load(Map.of());

    assertThat(config.core().parallelism()).isEqualTo(4);
    assertThat(Files.readString(cfg())).isEqualTo("[core]\nparallelism = 4\n");
  }

  @Test
  void envOverrideWinsOverTheFile() throws IOException {
    writeCfg("[core]\nexecutor = local\n[scheduler]\nloop_interval_ms = 1000\n");

    ContrailConfig config = load(Map.of(
        "CONTRAIL__CORE__EXECUTOR", "sequential",
        "CONTRAIL__Scheduler__Loop_Interval_Ms", "250",
        "CONTRAIL_HOME", "/ignored/here",
        "PATH", "/usr/bin"));

    assertThat(config.core().executor()).isEqualTo("sequential");
    assertThat(config.scheduler().loopIntervalMs()).isEqualTo(250);
  }

  @Test
  void inlineCommentsAreStripped() throws IOException {
    writeCfg("""
        [core]                       ; the core section
        executor = sequential   ; sequential | local
        deployment_name = prod;blue
        [database]
        url = jdbc:h2:mem:test;MODE=PostgreSQL   ; glued ';' is part of the URL
        # whole-line comment
        ; another one
        [metrics]
        metrics_allow_list =        ; empty list
        """);

    ContrailConfig config = load(Map.of());

    assertThat(config.core().executor()).isEqualTo("sequential");
    assertThat(config.core().deploymentName()).isEqualTo("prod;blue");
    assertThat(config.database().url()).isEqualTo("jdbc:h2:mem:test;MODE=PostgreSQL");
    assertThat(config.metrics().metricsAllowList()).isEmpty();
  }

  @Test
  void badPortNamesFileLineSectionAndKey() throws IOException {
    writeCfg("[core]\nparallelism = 8\n\n[metrics]\nstatsd_port = abc\n");

    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(cfg() + " line 5: [metrics] statsd_port = 'abc': not a port number (1-65535)");
  }

  @Test
  void portOutOfRangeIsRejected() throws IOException {
    writeCfg("[traces]\notel_port = 70000\n");

    assertThatThrownBy(() -> load(Map.of()))
        .hasMessageContaining("line 2: [traces] otel_port = '70000': not a port number");
  }

  @Test
  void unknownKeyIsAnErrorNamingLineAndSection() throws IOException {
    writeCfg("[core]\nexecutor = local\nparalellism = 4\n");

    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(cfg() + " line 3: unknown key 'paralellism' in [core]");
  }

  @Test
  void unknownSectionIsAnError() throws IOException {
    writeCfg("[webserver]\nport = 8080\n");

    assertThatThrownBy(() -> load(Map.of()))
        .hasMessage(cfg() + " line 1: unknown section [webserver]");
  }

  @Test
  void unknownEnvKeyNamesTheVariable() {
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__CORE__NOPE", "1")))
        .hasMessage("CONTRAIL__CORE__NOPE: unknown key 'nope' in [core]");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__WEB__PORT", "1")))
        .hasMessage("CONTRAIL__WEB__PORT: unknown section [web]");
  }

  @Test
  void invalidRegexNamesTheKey() throws IOException {
    writeCfg("[metrics]\nmetrics_block_list = ^ti\\..*, dag(run\n");

    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(cfg() + " line 2: [metrics] metrics_block_list = ")
        .hasMessageContaining("'dag(run' is not a valid regular expression");
  }

  @Test
  void regexListsAreParsed() throws IOException {
    writeCfg("[metrics]\nmetrics_allow_list = ^scheduler\\..*, ti_\\w+\n");

    ContrailConfig config = load(Map.of());

    assertThat(config.metrics().metricsAllowList())
        .extracting(Pattern::pattern)
        .containsExactly("^scheduler\\..*", "ti_\\w+");
  }

  @Test
  void metricsTagsKeepTheirOrder() throws IOException {
    writeCfg("[metrics_tags]\ncluster_id = blue\nregion = eu-west-1\nav = z1 ; zone\n");

    ContrailConfig config = load(Map.of("CONTRAIL__METRICS_TAGS__TEAM", "data"));

    assertThat(config.metricsTags()).containsExactly(
        Map.entry("cluster_id", "blue"), Map.entry("region", "eu-west-1"),
        Map.entry("av", "z1"), Map.entry("team", "data"));
  }

  @Test
  void badValueFromEnvNamesTheVariable() {
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS", "-5")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CONTRAIL__SCHEDULER__LOOP_INTERVAL_MS = '-5': "
            + "must be a positive number of milliseconds");
  }

  @Test
  void valuesAreValidated() {
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__CORE__EXECUTOR", "celery")))
        .hasMessage("CONTRAIL__CORE__EXECUTOR = 'celery': must be one of distributed, local, sequential");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__CORE__PARALLELISM", "0")))
        .hasMessageEndingWith("must be a positive integer");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__TRACES__OTEL_ON", "maybe")))
        .hasMessageEndingWith("not a boolean (true/false/yes/no/1/0)");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__METRICS__OTEL_PROTOCOL", "http/json")))
        .hasMessageEndingWith("must be one of grpc, http/protobuf");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__TRACES__SCHEDULER_SPANS", "some")))
        .hasMessageEndingWith("must be one of all, off, slow");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__DATABASE__URL", "jdbc:mysql://x/db")))
        .hasMessageEndingWith("must start with jdbc:h2: or jdbc:postgresql:");
  }

  @Test
  void booleansAcceptYesNoAndDigits() {
    ContrailConfig config = load(Map.of(
        "CONTRAIL__CORE__LOAD_EXAMPLES", "No",
        "CONTRAIL__METRICS__STATSD_ON", "YES",
        "CONTRAIL__TRACES__OTEL_ON", "1"));

    assertThat(config.core().loadExamples()).isFalse();
    assertThat(config.metrics().statsdOn()).isTrue();
    assertThat(config.traces().otelOn()).isTrue();
  }

  @Test
  void pathsExpandTildeAndResolveRelativeToHome() {
    ContrailConfig config = load(Map.of(
        "CONTRAIL__CORE__DAGS_FOLDER", "~/my-dags",
        "CONTRAIL__LOGS__BASE_LOG_FOLDER", "var/logs"));

    assertThat(config.core().dagsFolder())
        .isEqualTo(Path.of(System.getProperty("user.home"), "my-dags"));
    assertThat(config.logs().baseLogFolder()).isEqualTo(home.resolve("var/logs"));
  }

  @Test
  void resolveHomeUsesContrailHomeElseUserHome() {
    assertThat(ConfigLoader.resolveHome(Map.of("CONTRAIL_HOME", home.toString())))
        .isEqualTo(home.toAbsolutePath());
    assertThat(ConfigLoader.resolveHome(Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), "contrail"));
  }

  @Test
  void passwordIsNotInToString() {
    ContrailConfig config = load(Map.of("CONTRAIL__DATABASE__PASSWORD", "s3cret"));

    assertThat(config.database().password()).isEqualTo("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void theFileWrittenOnFirstLoadIsTheUsersAlone() throws IOException {
    load(Map.of());

    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg())))
        .isEqualTo("rw-------");
  }

  @Test
  void aFileOthersCanReadThatHoldsAPasswordGetsAWarningNamingTheKey() throws IOException {
    writeCfg("[database]\nurl = jdbc:postgresql://db/x\npassword = pg-secret\n");
    Files.setPosixFilePermissions(cfg(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(warningsOfLoading()).singleElement().asString()
        .contains("[database] password", "rw-r--r--", "chmod 600").doesNotContain("pg-secret");

    Files.setPosixFilePermissions(cfg(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(warningsOfLoading()).as("a private file").isEmpty();

    writeCfg("[database]\nurl = jdbc:postgresql://db/x\npassword =\n");
    Files.setPosixFilePermissions(cfg(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(warningsOfLoading()).as("no password in it").isEmpty();
  }

  @Test
  void securitySettingsParse() {
    ContrailConfig config = load(Map.of("CONTRAIL__CORE__SENSITIVE_VAR_CONN_NAMES", " Hmac, ,PIN ",
        "CONTRAIL__METRICS__PROMETHEUS_HOST", "0.0.0.0"));
    assertThat(config.core().sensitiveVarConnNames()).containsExactly("hmac", "pin");
    assertThat(config.metrics().prometheusHost()).isEqualTo("0.0.0.0");
    assertThat(ContrailConfig.defaults(home).metrics().prometheusHost()).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> load(Map.of("CONTRAIL__METRICS__PROMETHEUS_HOST", "http://x:9464")))
        .hasMessageContaining("CONTRAIL__METRICS__PROMETHEUS_HOST").hasMessageContaining("not a host name or IP address");
  }

  private java.util.List<String> warningsOfLoading() {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      load(Map.of());
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
  }
}
