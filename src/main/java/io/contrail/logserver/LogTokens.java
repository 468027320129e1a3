package io.contrail.logserver;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.contrail.config.ContrailConfig;
import io.contrail.rest.RestApi;
import io.contrail.rest.auth.SecretFiles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The signed requests of the log server, as Airflow signs its workers' log requests: a short-lived
 * JWT (HMAC-SHA512 with the shared secret) naming the one file it may read. Its audience is the log
 * server's own, so a REST API token is no log request and a log request no REST API token, even
 * when both are signed with {@code [api] jwt_secret}.
 */
public final class LogTokens {
  static final String AUDIENCE = "contrail-log-server";
  static final String FILE_CLAIM = "filename";
  /** How long a signed request is good for; the leeway allows for clocks of two machines apart. */
  private static final Duration LIFETIME = Duration.ofSeconds(60);
  private static final long LEEWAY_SECONDS = 30;

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final Clock clock;

  /** @param secret the shared key; its UTF-8 bytes are the HMAC key */
  public LogTokens(String secret, Clock clock) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("the log server's secret is empty");
    }
    this.algorithm = Algorithm.HMAC512(secret);
    this.clock = clock;
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm).withAudience(AUDIENCE)
        .acceptLeeway(LEEWAY_SECONDS)).build(clock);
  }

  /**
   * The secret in force: {@code [worker] log_server_secret}, else {@code [api] jwt_secret}, else the
   * API's generated key in {@code CONTRAIL_HOME/api_secret_key} (which serves one machine only).
   */
  public static LogTokens of(ContrailConfig config, Clock clock) {
    String secret = config.worker().logServerSecret();
    if (secret.isEmpty()) {
      secret = config.api().jwtSecret();
    }
    if (secret.isEmpty()) {
      secret = SecretFiles.readOrCreate(config.home().resolve(RestApi.SECRET_KEY_FILE), 48);
    }
    return new LogTokens(secret, clock);
  }

  /** A request for {@code file} (relative to base_log_folder, '/'-separated). */
  public String sign(String file) {
    Instant now = clock.instant();
    return JWT.create().withAudience(AUDIENCE).withClaim(FILE_CLAIM, file).withIssuedAt(now).withNotBefore(now)
        .withExpiresAt(now.plus(LIFETIME)).sign(algorithm);
  }

  /** Whether {@code token} is a valid, unexpired request signed with this secret for exactly {@code file}. */
  public boolean permits(String token, String file) {
    try {
      DecodedJWT jwt = verifier.verify(token);
      return file.equals(jwt.getClaim(FILE_CLAIM).asString()) && jwt.getExpiresAt() != null;
    } catch (JWTVerificationException | IllegalArgumentException e) {
      return false;
    }
  }
}
