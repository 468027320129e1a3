package io.contrail.web;

import static io.contrail.web.Html.f;

import io.contrail.rest.Wire;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The frame of every page (navigation, who is logged in, the logout control, the assets) and the
 * small pieces pages share: state badges (colour and a symbol, so they read without colour too) and
 * times (shown in the browser's time zone by contrail.js, UTC on hover).
 */
final class Layout {
  static final String HTMX = "/webjars/htmx.org/2.0.4/dist/htmx.min.js";
  private static final Map<String, String> SYMBOLS = Map.ofEntries(Map.entry("success", "✓"),
      Map.entry("failed", "✗"), Map.entry("running", "▶"), Map.entry("queued", "…"), Map.entry("scheduled", "◷"),
      Map.entry("up_for_retry", "↻"), Map.entry("upstream_failed", "⚠"), Map.entry("skipped", "⤼"),
      Map.entry("restarting", "⟲"), Map.entry("none", "·"));

  private Layout() {}

  static void page(WebUi.Req r, String title, Html.Raw body) {
    String b = r.base();
    Html.Raw user = r.authOff() ? f("<span class=\"who\">authentication off</span>")
        : f("<span class=\"who\" data-role=\"{}\">{} ({})</span><form method=\"post\" action=\"{}\" class=\"inline\">"
            + "<input type=\"hidden\" name=\"_csrf\" value=\"{}\"><button type=\"submit\" id=\"logout\">Log out</button>"
            + "</form>", r.account().role().id(), r.account().name(), r.account().role().id(), b + "/logout", r.csrf());
    Html.Raw html = f("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="{}">
        <title>{} · Contrail</title>
        <link rel="stylesheet" href="{}/ui/assets/contrail.css">
        <script src="{}{}" defer></script><script src="{}/ui/assets/contrail.js" defer></script>
        </head><body>
        <header class="top"><a class="brand" href="{}/dags">Contrail</a>
        <nav><a href="{}/dags">DAGs</a><a href="{}/import-errors">Import errors</a><a href="{}/pools">Pools</a></nav>
        <div class="user">{}</div></header>
        <main>{}</main>
        </body></html>
        """, r.csrf(), title, b, b, HTMX, b, b, b, b, b, user, body);
    r.ctx().contentType("text/html; charset=utf-8").result(html.html());
  }

  /** A fragment htmx swaps in: no frame. */
  static void fragment(WebUi.Req r, Html.Raw body) {
    r.ctx().contentType("text/html; charset=utf-8").result(body.html());
  }

  static void login(Context ctx, String base, String error, String next) {
    Html.Raw html = f("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Log in · Contrail</title>
        <link rel="stylesheet" href="{}/ui/assets/contrail.css">
        </head><body class="login">
        <main><form method="post" action="{}/login" class="card login-form">
        <h1>Contrail</h1>{}
        <label>Username <input name="username" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <input type="hidden" name="next" value="{}">
        <button type="submit" class="primary">Log in</button>
        </form></main></body></html>
        """, base, base, error == null ? Html.EMPTY : f("<p class=\"error\" role=\"alert\">{}</p>", error),
        next == null ? "" : next);
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(html.html());
  }

  /** A state as a coloured badge with its name. */
  static Html.Raw state(String state) {
    String s = state == null ? "none" : state.toLowerCase(Locale.ROOT);
    return f("<span class=\"badge s-{}\" data-state=\"{}\">{} {}</span>", s, s, symbol(s), s.replace('_', ' '));
  }

  static String symbol(String state) {
    return SYMBOLS.getOrDefault(state == null ? "none" : state, "?");
  }

  /** A time the browser shows in its own zone; the UTC time on hover. */
  static Html.Raw time(Instant t) {
    if (t == null) {
      return f("<span class=\"muted\">–</span>");
    }
    String iso = Wire.time(t);
    return f("<time datetime=\"{}\" title=\"{} UTC\">{} UTC</time>", iso, iso, iso.replace('T', ' ').replaceAll("\\..*|Z$", ""));
  }

  static Html.Raw time(Object wireTime) {
    return wireTime == null ? time((Instant) null) : time(Instant.parse(wireTime.toString()));
  }

  /** Seconds as "2.4 s", "3 min 12 s", "1 h 4 min". */
  static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
  }

  /** A hidden CSRF field for a form. */
  static Html.Raw csrf(WebUi.Req r) {
    return f("<input type=\"hidden\" name=\"_csrf\" value=\"{}\">", r.csrf());
  }
}
