package io.contrail.analysis;

/**
 * A task log as HTML: every character escaped, ANSI SGR colours (30–37, 90–97, 40–47, 100–107,
 * 256-colour and truecolour reduced to the nearest of the 16 basic ones, bold, faint, italic,
 * underline, resets) as {@code <span class="ansi-...">}, every other escape sequence dropped. The
 * classes are {@code ansi-bold}, {@code ansi-faint}, {@code ansi-italic}, {@code ansi-underline},
 * {@code ansi-fg-N} and {@code ansi-bg-N} (N = 0–15: black, red, green, yellow, blue, magenta, cyan,
 * white, then the bright ones); the page's stylesheet gives them colours. A malformed or cut-off
 * sequence is dropped up to where it stops making sense and the rest is text — escaped like all
 * text, so a log line can never open a tag.
 */
public final class AnsiHtml {
  private static final char ESC = '\u001b';

  /**
   * Default colours for the classes, as CSS variables a page may override ({@code --ansi-0} …
   * {@code --ansi-15}), with a lighter palette when the browser prefers a dark scheme.
   */
  public static final String CSS = css();

  private AnsiHtml() {}

  /** The text state a run of characters is drawn in. */
  private static final class Style {
    int fg = -1;
    int bg = -1;
    boolean bold;
    boolean faint;
    boolean italic;
    boolean underline;

    String classes() {
      StringBuilder b = new StringBuilder();
      if (bold) {
        b.append(" ansi-bold");
      }
      if (faint) {
        b.append(" ansi-faint");
      }
      if (italic) {
        b.append(" ansi-italic");
      }
      if (underline) {
        b.append(" ansi-underline");
      }
      if (fg >= 0) {
        b.append(" ansi-fg-").append(fg);
      }
      if (bg >= 0) {
        b.append(" ansi-bg-").append(bg);
      }
      return b.length() == 0 ? "" : b.substring(1);
    }
  }

  private static String css() {
    String[] colours = {"#1f2328", "#cf222e", "#116329", "#9a6700", "#0969da", "#8250df", "#1b7c83", "#6e7781",
        "#57606a", "#a40e26", "#1a7f37", "#bf8700", "#218bff", "#a475f9", "#3192aa", "#8c959f"};
    String[] dark = {"#484f58", "#ff7b72", "#3fb950", "#d29922", "#58a6ff", "#bc8cff", "#39c5cf", "#b1bac4",
        "#6e7681", "#ffa198", "#56d364", "#e3b341", "#79c0ff", "#d2a8ff", "#56d4dd", "#ffffff"};
    StringBuilder b = new StringBuilder(":root{");
    for (int i = 0; i < colours.length; i++) {
      b.append("--ansi-default-").append(i).append(':').append(colours[i]).append(';');
    }
    b.append("}\n@media (prefers-color-scheme:dark){:root{");
    for (int i = 0; i < dark.length; i++) {
      b.append("--ansi-default-").append(i).append(':').append(dark[i]).append(';');
    }
    b.append("}}\n");
    for (int i = 0; i < colours.length; i++) {
      b.append(".ansi-fg-").append(i).append("{color:var(--ansi-").append(i).append(",var(--ansi-default-").append(i)
          .append("))}.ansi-bg-").append(i).append("{background-color:var(--ansi-").append(i)
          .append(",var(--ansi-default-").append(i).append("))}\n");
    }
    return b.append(".ansi-bold{font-weight:bold}.ansi-faint{opacity:.7}.ansi-italic{font-style:italic}")
        .append(".ansi-underline{text-decoration:underline}\n").toString();
  }

  public static String toHtml(String logText) {
    if (logText == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(logText.length() + 16);
    Style style = new Style();
    String open = "";
    int i = 0;
    int n = logText.length();
    while (i < n) {
      char c = logText.charAt(i);
      if (c != ESC) {
        Markup.append(out, c);
        i++;
        continue;
      }
      if (i + 1 < n && logText.charAt(i + 1) == '[') {
        int j = i + 2;
        while (j < n && logText.charAt(j) >= 0x30 && logText.charAt(j) <= 0x3f) {
          j++; // parameter bytes
        }
        while (j < n && logText.charAt(j) >= 0x20 && logText.charAt(j) <= 0x2f) {
          j++; // intermediate bytes
        }
        if (j < n && logText.charAt(j) >= 0x40 && logText.charAt(j) <= 0x7e) {
          if (logText.charAt(j) == 'm') {
            apply(style, logText.substring(i + 2, j));
            String next = style.classes();
            if (!next.equals(open)) {
              if (!open.isEmpty()) {
                out.append("</span>");
              }
              if (!next.isEmpty()) {
                out.append("<span class=\"").append(next).append("\">");
              }
              open = next;
            }
          }
          i = j + 1; // any other CSI sequence (cursor moves, erases) is dropped
        } else {
          i = j; // malformed: drop what was read, the rest is text
        }
      } else if (i + 1 < n && logText.charAt(i + 1) == ']') {
        i = skipOsc(logText, i + 2); // a title or hyperlink: dropped, its text kept out
      } else {
        i += i + 1 < n && logText.charAt(i + 1) >= 0x40 && logText.charAt(i + 1) <= 0x5f ? 2 : 1;
      }
    }
    if (!open.isEmpty()) {
      out.append("</span>");
    }
    return out.toString();
  }

  /** Past an OSC string: up to BEL or ESC \, or (cut off) the end of the line. */
  private static int skipOsc(String s, int from) {
    for (int j = from; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\u0007') {
        return j + 1;
      }
      if (c == ESC) {
        return j + 1 < s.length() && s.charAt(j + 1) == '\\' ? j + 2 : j;
      }
      if (c == '\n') {
        return j;
      }
    }
    return s.length();
  }

  private static void apply(Style s, String params) {
    String[] p = params.isEmpty() ? new String[] {"0"} : params.split("[;:]", -1);
    for (int k = 0; k < p.length; k++) {
      int code = number(p[k]);
      if (code < 0) {
        continue; // "1?": not a number, ignored
      }
      switch (code) {
        case 0 -> {
          s.fg = -1;
          s.bg = -1;
          s.bold = s.faint = s.italic = s.underline = false;
        }
        case 1 -> s.bold = true;
        case 2 -> s.faint = true;
        case 3 -> s.italic = true;
        case 4 -> s.underline = true;
        case 22 -> s.bold = s.faint = false;
        case 23 -> s.italic = false;
        case 24 -> s.underline = false;
        case 39 -> s.fg = -1;
        case 49 -> s.bg = -1;
        case 38, 48 -> {
          int[] colour = extended(p, k);
          k = colour[1];
          if (colour[0] >= 0) {
            if (code == 38) {
              s.fg = colour[0];
            } else {
              s.bg = colour[0];
            }
          }
        }
        default -> {
          if (code >= 30 && code <= 37) {
            s.fg = code - 30;
          } else if (code >= 90 && code <= 97) {
            s.fg = code - 90 + 8;
          } else if (code >= 40 && code <= 47) {
            s.bg = code - 40;
          } else if (code >= 100 && code <= 107) {
            s.bg = code - 100 + 8;
          }
        }
      }
    }
  }

  /** 38;5;N or 38;2;R;G;B at {@code k}: the basic colour (or -1) and the last parameter used. */
  private static int[] extended(String[] p, int k) {
    if (k + 1 >= p.length) {
      return new int[] {-1, k};
    }
    int mode = number(p[k + 1]);
    if (mode == 5 && k + 2 < p.length) {
      return new int[] {from256(number(p[k + 2])), k + 2};
    }
    if (mode == 2 && k + 4 < p.length) {
      return new int[] {fromRgb(number(p[k + 2]), number(p[k + 3]), number(p[k + 4])), k + 4};
    }
    return new int[] {-1, p.length - 1}; // cut off: the rest cannot be read
  }

  private static int from256(int n) {
    if (n < 0 || n > 255) {
      return -1;
    }
    if (n < 16) {
      return n;
    }
    if (n >= 232) {
      int grey = n - 232; // 24 steps from near black to near white
      return grey < 6 ? 0 : grey < 12 ? 8 : grey < 18 ? 7 : 15;
    }
    int c = n - 16;
    return fromRgb(c / 36 * 51, c / 6 % 6 * 51, c % 6 * 51);
  }

  private static int fromRgb(int r, int g, int b) {
    if (r < 0 || g < 0 || b < 0 || r > 255 || g > 255 || b > 255) {
      return -1;
    }
    int max = Math.max(r, Math.max(g, b));
    if (max < 64) {
      return 0;
    }
    int idx = (r >= max / 2 + 32 ? 1 : 0) | (g >= max / 2 + 32 ? 2 : 0) | (b >= max / 2 + 32 ? 4 : 0);
    return max >= 200 ? idx + 8 : idx;
  }

  private static int number(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    if (s.length() > 4) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
