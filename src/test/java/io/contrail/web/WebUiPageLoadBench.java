package io.contrail.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrail.rest.RestApi;
import io.contrail.roles.Contrail;
import io.contrail.testing.InProcessContrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Page load times in headless Chromium: the DAG list with 1,000 DAGs and the grid of a 200-task DAG
 * with 25 runs (every task run for real, noop). Not in the test suite (the name does not end in
 * Test): run it with {@code ./scripts/test -Dtest=WebUiPageLoadBench}, under the heavy-work lock;
 * it prints navigation timings (median of 7 loads after 2 warm-ups), which bench/RESULTS.md records.
 */
class WebUiPageLoadBench {
  private static final int DAGS = 1000;
  private static final int TASKS = 200;
  private static final int RUNS = 25;

  @TempDir Path home;

  @Test
  void dagListOf1000AndGridOf200TasksBy25Runs() throws Exception {
    try (InProcessContrail contrail = new InProcessContrail(home).set("CONTRAIL__API__AUTH", "none")) {
      Path dags = home.resolve("dags");
      Files.createDirectories(dags);
      for (int i = 0; i < DAGS; i++) {
        Files.writeString(dags.resolve(String.format("bench_%04d.yaml", i)), String.format("""
            dag_id: bench_%04d
            description: benchmark DAG %d of the DAG list
            schedule: "0 * * * *"
            start_date: 2026-01-01
            tags: [bench, group_%d]
            tasks:
              - task_id: only
                type: noop
            """, i, i, i % 10));
      }
      StringBuilder big = new StringBuilder("dag_id: wide\nschedule: null\nstart_date: 2026-01-01\nmax_active_tasks: 64\ntasks:\n");
      for (int t = 0; t < TASKS; t++) {
        big.append("  - task_id: t").append(String.format("%03d", t)).append("\n    type: noop\n");
        if (t >= 10) {
          big.append("    depends_on: [t").append(String.format("%03d", t - 10)).append("]\n");
        }
      }
      contrail.dag("wide.yaml", big.toString());
      Contrail c = contrail.contrail();
      long seeded = System.nanoTime();
      for (int r = 0; r < RUNS; r++) {
        contrail.run("wide");
      }
      System.out.printf("seeded %d runs of %d tasks in %.1f s%n", RUNS, TASKS, (System.nanoTime() - seeded) / 1e9);
      try (RestApi.Started api = RestApi.start(new RestApi.Deps(c.config(), c.otel(), c.database(), c.stores(),
          c.runCreator(), c.operations(), c.clock(), c.tracer(), c.masker()), 0);
          Browser browser = new Browser(1280, 800)) {
        String url = api.server().url();
        Map<String, Object> list = measure(browser, url + "/dags");
        assertThat(browser.driver.findElements(By.cssSelector("table.dags tbody tr"))).hasSize(DagPages.PAGE_SIZE);
        assertThat(browser.driver.findElement(By.cssSelector(".pager")).getText()).contains("of " + (DAGS + 1)); // and wide
        Map<String, Object> search = measure(browser, url + "/dags?q=bench_09");
        Map<String, Object> grid = measure(browser, url + "/dags/wide");
        assertThat(browser.driver.findElements(By.cssSelector("table.grid a.cell"))).hasSize(TASKS * RUNS);
        assertThat(browser.driver.findElements(By.cssSelector("svg.graph g.node"))).hasSize(TASKS);
        Map<String, Object> fragment = measure(browser, url + "/dags/wide/grid");
        System.out.println("PAGE-LOAD /dags (1,000 DAGs, page of 50): " + list);
        System.out.println("PAGE-LOAD /dags?q=bench_09 (10 of 1,000): " + search);
        System.out.println("PAGE-LOAD /dags/wide (200 tasks x 25 runs, graph of 200): " + grid);
        System.out.println("PAGE-LOAD /dags/wide/grid (the 1 s refresh's fragment): " + fragment);
      }
    }
  }

  /** Median navigation timings in ms over 7 loads after 2 warm-ups: server (first byte), DOM ready, load. */
  private static Map<String, Object> measure(Browser browser, String url) {
    List<Double> ttfb = new ArrayList<>();
    List<Double> dom = new ArrayList<>();
    List<Double> load = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < 9; i++) {
      browser.get(url);
      @SuppressWarnings("unchecked")
      Map<String, Object> t = (Map<String, Object>) browser.js("const n = performance.getEntriesByType('navigation')[0];"
          + " return {ttfb: n.responseStart - n.startTime, dom: n.domContentLoadedEventEnd - n.startTime,"
          + " load: n.loadEventEnd - n.startTime, bytes: n.transferSize};");
      if (i >= 2) {
        ttfb.add(((Number) t.get("ttfb")).doubleValue());
        dom.add(((Number) t.get("dom")).doubleValue());
        load.add(((Number) t.get("load")).doubleValue());
        bytes = ((Number) t.get("bytes")).longValue();
      }
    }
    return Map.of("first_byte_ms", median(ttfb), "dom_ready_ms", median(dom), "load_ms", median(load), "kB",
        bytes / 1024);
  }

  private static long median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return Math.round(sorted.get(sorted.size() / 2));
  }
}
