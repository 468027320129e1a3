package io.contrail.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.secrets.SecretsMasker;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No backend sees a secret as a metric attribute (nor, so, in a legacy StatsD name built from them). */
class MaskingStatsTest {
  @Test
  void everyMeasurementsAttributesAreMaskedBeforeAnyBackendSeesThem() {
    SecretsMasker masker = SecretsMasker.defaults();
    masker.addSecret("pool-secret-1");
    List<Tags> seen = new ArrayList<>();
    Stats recording = recorder(seen);
    Stats stats = new MaskingStats(recording, masker);

    stats.incr("ti.finish", Tags.of("dag_id", "etl", "pool_name", "pool-secret-1").airflow("api_token", "x1"));
    stats.gauge("pool.open_slots", 3, Tags.of("pool_name", "p", "url", "https://u:pw-123@h/"));
    stats.timing("dagrun.duration", Duration.ofSeconds(1), Tags.of("dag_id", "etl"), Context.root());

    assertThat(seen.get(0).values()).containsEntry("dag_id", "etl").containsEntry("pool_name", "***");
    assertThat(seen.get(0).airflow()).containsEntry("api_token", "***");
    assertThat(seen.get(1).values()).containsEntry("url", "https://u:***@h/");
    assertThat(seen.get(2).values()).containsEntry("dag_id", "etl");
  }

  @Test
  void aSecretRegisteredAfterAMeasurementIsMaskedFromTheNextOneOn() {
    SecretsMasker masker = SecretsMasker.defaults();
    List<Tags> seen = new ArrayList<>();
    Stats stats = new MaskingStats(recorder(seen), masker);
    Tags tags = Tags.of("dag_id", "etl", "pool_name", "late-secret-9").airflow("api_token", "x1");

    stats.incr("ti.finish", tags);
    masker.addSecret("late-secret-9"); // a connection read while the scheduler runs
    stats.incr("ti.finish", tags);

    assertThat(seen.get(0).values()).containsEntry("pool_name", "late-secret-9");
    assertThat(seen.get(1).values()).containsEntry("dag_id", "etl").containsEntry("pool_name", "***");
    assertThat(seen).allSatisfy(t -> assertThat(t.airflow()).containsEntry("api_token", "***"));
  }

  /** A backend that keeps the tags of every measurement it gets. */
  private static Stats recorder(List<Tags> seen) {
    return new Stats() {
      @Override
      public void incr(String name, long count, Tags tags) {
        seen.add(tags);
      }

      @Override
      public void decr(String name, long count, Tags tags) {
        seen.add(tags);
      }

      @Override
      public void gauge(String name, double value, Tags tags) {
        seen.add(tags);
      }

      @Override
      public void timing(String name, Duration duration, Tags tags, Context context) {
        seen.add(tags);
      }
    };
  }
}
