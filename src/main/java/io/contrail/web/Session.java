package io.contrail.web;

import io.contrail.rest.Authentication;
import io.contrail.rest.auth.Accounts;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The web UI's login session: a cookie holding the REST API's own signed token (HttpOnly,
 * SameSite=Strict, Secure when served over TLS), so a session lasts as long as a token and outlives
 * neither its account nor a change of its role. Its CSRF token is an HMAC of the cookie under the
 * API's signing key: every state-changing request must carry it (form field {@code _csrf} or header
 * {@code X-CSRF-Token}), which a page of another site cannot read.
 */
final class Session {
  static final String COOKIE = "contrail_session";
  static final String CSRF_FIELD = "_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";

  private final Authentication auth;
  private final byte[] key;
  private final String cookiePath;

  Session(Authentication auth, String signingKey, String cookiePath) {
    this.auth = auth;
    this.key = ("contrail-web-csrf:" + signingKey).getBytes(StandardCharsets.UTF_8);
    this.cookiePath = cookiePath;
  }

  /** The request's account: its cookie's, or the admin's when authentication is off. */
  Optional<Accounts.Account> account(Context ctx) {
    return auth.accountOf(ctx.cookie(COOKIE));
  }

  boolean authOff() {
    return auth.anonymous().isPresent();
  }

  /** Checks a name and password and sets the session cookie; false when refused. */
  boolean login(Context ctx, String username, String password) {
    Optional<String> token = auth.login(username, password, ctx.ip());
    token.ifPresent(t -> setCookie(ctx, t, auth.sessionLifetime().toSeconds()));
    return token.isPresent();
  }

  void logout(Context ctx) {
    setCookie(ctx, "", 0);
  }

  private void setCookie(Context ctx, String value, long maxAge) {
    String secure = tls(ctx) ? "; Secure" : "";
    ctx.res().addHeader("Set-Cookie", COOKIE + "=" + value + "; Path=" + cookiePath + "; Max-Age=" + maxAge
        + "; HttpOnly; SameSite=Strict" + secure);
  }

  /** Over TLS: directly, or behind a proxy that terminates it and says so. */
  private static boolean tls(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
  }

  /** The CSRF token of this request's session. */
  String csrf(Context ctx) {
    String cookie = ctx.cookie(COOKIE);
    return hmac(cookie == null ? "" : cookie);
  }

  /** Whether a state-changing request carries its session's CSRF token. */
  boolean csrfValid(Context ctx) {
    String sent = ctx.header(CSRF_HEADER);
    if (sent == null) {
      sent = ctx.formParam(CSRF_FIELD);
    }
    return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
        csrf(ctx).getBytes(StandardCharsets.UTF_8));
  }

  private String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
