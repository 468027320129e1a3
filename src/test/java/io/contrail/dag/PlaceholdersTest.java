package io.contrail.dag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
  private final Map<String, Object> context = Map.of(
      "ds", "2026-01-02",
      "logical_date", "2026-01-02T00:00:00Z",
      "run_id", "manual__2026-01-02T00:00:00Z",
      "dag_id", "etl",
      "task_id", "load",
      "try_number", 2,
      "conf", Map.of("table", "orders", "db", Map.of("host", "pg1")));

  @Test
  void expandsEveryBuiltInName() {
    assertThat(Placeholders.render(
        "{{ ds }}|{{logical_date}}|{{ run_id }}|{{ dag_id }}|{{  task_id  }}|{{ try_number }}", context))
        .isEqualTo("2026-01-02|2026-01-02T00:00:00Z|manual__2026-01-02T00:00:00Z|etl|load|2");
  }

  @Test
  void expandsConfKeysIncludingNestedOnes() {
    assertThat(Placeholders.render("copy {{ conf.table }} from {{conf.db.host}}", context))
        .isEqualTo("copy orders from pg1");
  }

  @Test
  void leavesUnknownPlaceholdersAsWritten() {
    assertThat(Placeholders.render("{{ nope }} {{ conf.missing }} {{ ds.more }} {{ ds }}", context))
        .isEqualTo("{{ nope }} {{ conf.missing }} {{ ds.more }} 2026-01-02");
  }

  @Test
  void valuesAreInsertedLiterallyEvenWithDollarSigns() {
    assertThat(Placeholders.render("x={{ conf.v }}", Map.of("conf", Map.of("v", "$1\\n"))))
        .isEqualTo("x=$1\\n");
  }

  @Test
  void textWithoutPlaceholdersIsUnchanged() {
    assertThat(Placeholders.render("echo {not one} }}{{", context)).isEqualTo("echo {not one} }}{{");
    assertThat(Placeholders.render(null, context)).isNull();
  }
}
