package io.contrail.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A task log as the task page shows it: colours as classes, every character of the text escaped. */
class AnsiHtmlTest {
  private static final String E = "\u001b";

  @Test
  void basicAndBrightColoursBoldAndResetBecomeSpans() {
    assertThat(AnsiHtml.toHtml(E + "[31mred" + E + "[0m plain " + E + "[1;92mbold green" + E + "[m"))
        .isEqualTo("<span class=\"ansi-fg-1\">red</span> plain <span class=\"ansi-bold ansi-fg-10\">bold green</span>");
    assertThat(AnsiHtml.toHtml(E + "[44;37mon blue" + E + "[39mdefault fg" + E + "[49m."))
        .isEqualTo("<span class=\"ansi-fg-7 ansi-bg-4\">on blue</span><span class=\"ansi-bg-4\">default fg</span>.");
  }

  @Test
  void aLogLineWithAScriptTagShowsAsText() {
    String html = AnsiHtml.toHtml("user said <script>alert('x')</script> & left\n" + E + "[33m<b>\"q\"</b>" + E + "[0m");

    assertThat(html).doesNotContain("<script").doesNotContain("<b>")
        .isEqualTo("user said &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; left\n"
            + "<span class=\"ansi-fg-3\">&lt;b&gt;&quot;q&quot;&lt;/b&gt;</span>");
  }

  @Test
  void extendedColoursAreReducedToTheBasicOnes() {
    assertThat(AnsiHtml.toHtml(E + "[38;5;196mx" + E + "[0m")).isEqualTo("<span class=\"ansi-fg-9\">x</span>");
    assertThat(AnsiHtml.toHtml(E + "[38;5;2mx" + E + "[0m")).isEqualTo("<span class=\"ansi-fg-2\">x</span>");
    assertThat(AnsiHtml.toHtml(E + "[38;2;0;0;139mx" + E + "[0m")).isEqualTo("<span class=\"ansi-fg-4\">x</span>");
    assertThat(AnsiHtml.toHtml(E + "[48;2;255;255;255mx" + E + "[0m")).isEqualTo("<span class=\"ansi-bg-15\">x</span>");
  }

  @Test
  void brokenAndForeignEscapesNeverBreakTheEscaping() {
    // cut off, garbage parameters, a cursor move, an OSC title, a lone ESC, a cut-off 256-colour
    assertThat(AnsiHtml.toHtml("a" + E + "[31")).isEqualTo("a");
    assertThat(AnsiHtml.toHtml("a" + E + "[31\n<script>b")).isEqualTo("a\n&lt;script&gt;b");
    // "ESC [ 3 < s" is a (private) control sequence a terminal would swallow too; the rest stays text
    assertThat(AnsiHtml.toHtml("a" + E + "[3<script>b")).isEqualTo("acript&gt;b");
    assertThat(AnsiHtml.toHtml("50%" + E + "[2K" + E + "[1Adone")).isEqualTo("50%done");
    assertThat(AnsiHtml.toHtml(E + "]0;<title>\u0007text")).isEqualTo("text");
    assertThat(AnsiHtml.toHtml("x" + E + "y" + E)).isEqualTo("xy");
    assertThat(AnsiHtml.toHtml(E + "[38;5mz" + E + "[99999mw")).isEqualTo("zw");
    assertThat(AnsiHtml.toHtml("bell\u0007 nul\u0000 tab\tok")).isEqualTo("bell nul tab\tok");
    assertThat(AnsiHtml.toHtml(null)).isEmpty();
  }

  @Test
  void aSpanLeftOpenAtTheEndIsClosed() {
    assertThat(AnsiHtml.toHtml(E + "[1mstill bold")).isEqualTo("<span class=\"ansi-bold\">still bold</span>");
  }

  @Test
  void theDefaultStylesheetColoursEveryClassInLightAndDark() {
    for (int i = 0; i < 16; i++) {
      assertThat(AnsiHtml.CSS).contains(".ansi-fg-" + i + "{color:var(--ansi-" + i)
          .contains(".ansi-bg-" + i + "{background-color:var(--ansi-" + i);
    }
    assertThat(AnsiHtml.CSS).contains("prefers-color-scheme:dark").contains(".ansi-bold{font-weight:bold}");
  }
}
