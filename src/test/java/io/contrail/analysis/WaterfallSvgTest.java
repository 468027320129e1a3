package io.contrail.analysis;

import static io.contrail.analysis.TimelineBuilder.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The waterfall parsed as XML, as a browser reads it: one group per try, in order, the critical ones marked, all text escaped. */
class WaterfallSvgTest {

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> byClass(Document d, String tag, String cls) {
    List<Element> out = new ArrayList<>();
    NodeList all = d.getElementsByTagName(tag);
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (List.of(e.getAttribute("class").split(" ")).contains(cls)) {
        out.add(e);
      }
    }
    return out;
  }

  private static RunTimeline retriedDiamond(String oddTask) {
    return TimelineBuilder.run(0, 0, 9_000L)
        .task("start", "success", attempt("start", 1, "success", 0, 100L, 200L))
        .task(oddTask, "success", attempt(oddTask, 1, "success", 200, 300L, 600L))
        .task("slow", "success",
            attempt("slow", 1, "failed", 200, 300L, 2_000L),
            attempt("slow", 2, "success", 2_000, 3_000L, 8_000L))
        .task("join", "success", attempt("join", 1, "success", 8_000, 8_200L, 8_900L))
        .dependsOn(oddTask, "start").dependsOn("slow", "start").dependsOn("join", oddTask, "slow")
        .build();
  }

  @Test
  void oneGroupPerTryInOrderWithTheCriticalOnesMarkedAndLinked() throws Exception {
    RunTimeline t = retriedDiamond("fast");
    CriticalPath cp = CriticalPath.of(t);

    Document svg = parse(WaterfallSvg.render(t, cp, (task, tryNumber) -> "/dags/etl/runs/r/tasks/" + task + "?try=" + tryNumber));

    assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
    List<Element> attempts = byClass(svg, "g", "attempt");
    assertThat(attempts).extracting(e -> e.getAttribute("data-task") + "#" + e.getAttribute("data-try"))
        .containsExactly("start#1", "fast#1", "slow#1", "slow#2", "join#1");
    assertThat(attempts).extracting(e -> e.getAttribute("class").contains("critical"))
        .containsExactly(true, false, true, true, true);
    Element failed = attempts.get(2);
    assertThat(failed.getAttribute("class")).contains("failed");
    assertThat(failed.getAttribute("data-state")).isEqualTo("failed");
    assertThat(byClass(svg, "rect", "waiting")).hasSize(5);
    assertThat(byClass(svg, "rect", "running")).hasSize(5);
    Element link = (Element) failed.getParentNode();
    assertThat(link.getTagName()).isEqualTo("a");
    assertThat(link.getAttribute("href")).isEqualTo("/dags/etl/runs/r/tasks/slow?try=1");
    String title = failed.getElementsByTagName("title").item(0).getTextContent();
    assertThat(title).contains("slow · try 1 · failed").contains("waiting 0.1 s").contains("running 1.7 s")
        .contains("host worker-1").contains("on the critical path");
    assertThat(svg.getElementsByTagName("style").item(0).getTextContent()).contains("--contrail-error")
        .contains("prefers-color-scheme:dark");
  }

  @Test
  void aTaskIdWithMarkupIsEscapedEverywhere() throws Exception {
    String odd = "a<b>&\"c'";
    RunTimeline t = retriedDiamond(odd);

    String raw = WaterfallSvg.render(t, CriticalPath.of(t), (task, n) -> "/t?id=" + task + "&try=" + n);
    Document svg = parse(raw);

    assertThat(raw).doesNotContain("<b>");
    List<Element> attempts = byClass(svg, "g", "attempt");
    assertThat(attempts.get(1).getAttribute("data-task")).isEqualTo(odd);
    assertThat(((Element) attempts.get(1).getParentNode()).getAttribute("href")).isEqualTo("/t?id=" + odd + "&try=1");
    assertThat(byClass(svg, "text", "task-label")).extracting(Element::getTextContent).contains(odd);
  }

  @Test
  void clearSegmentsAreSeparatedByALabelledDivider() throws Exception {
    String clear = TimelineBuilder.CLEAR;
    RunTimeline t = TimelineBuilder.failedThenClearedLoad();

    Document svg = parse(WaterfallSvg.render(t, CriticalPath.of(t), (task, n) -> null));

    List<Element> dividers = byClass(svg, "g", "segment-divider");
    assertThat(dividers).extracting(Element::getTextContent).containsExactly("run · success", "clear 1 · success");
    assertThat(byClass(svg, "g", "row")).extracting(e -> e.getAttribute("data-task"))
        .containsExactly("extract", "load", "load");
    assertThat(byClass(svg, "g", "attempt")).extracting(e -> e.getAttribute("class").contains("critical"))
        .as("only the latest segment's path").containsExactly(false, false, true);
    assertThat(svg.getElementsByTagName("a").getLength()).as("no href, no link").isZero();
  }

  @Test
  void aTryStillWaitingHasOnlyItsWaitingBar() throws Exception {
    RunTimeline t = TimelineBuilder.run(0, 0, null)
        .task("extract", "queued", attempt("extract", 1, "queued", 50, null, null))
        .asOf(2_000)
        .build();

    Document svg = parse(WaterfallSvg.render(t, CriticalPath.of(t), null));

    Element a = byClass(svg, "g", "attempt").get(0);
    assertThat(a.getAttribute("class")).contains("waiting-now");
    assertThat(byClass(svg, "rect", "running")).isEmpty();
    assertThat(a.getElementsByTagName("title").item(0).getTextContent()).contains("not started");
  }
}
