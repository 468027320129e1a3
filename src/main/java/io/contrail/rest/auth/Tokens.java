package io.contrail.rest.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.security.SecureRandom;

/**
 * The REST API's access tokens: JWTs signed with HMAC-SHA512 (java-jwt), naming the account
 * ({@code sub}) and its role, with an id, an audience and a lifetime. Verification checks the
 * signature in constant time, the algorithm (so {@code alg: none} is refused), audience, not-before
 * and expiry.
 */
public final class Tokens {
  /** Why a token was refused. */
  public enum Refusal { EXPIRED, INVALID }

  /** A verified token's account name and role. */
  public record Claims(String subject, String role) {}

  /** What {@link #verify} found. */
  public record Verified(Optional<Claims> claims, Refusal refusal) {}

  static final String AUDIENCE = "contrail";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final Clock clock;

  /** @param secret the signing key; its UTF-8 bytes are the HMAC key */
  public Tokens(String secret, Clock clock) {
    this.algorithm = Algorithm.HMAC512(secret);
    this.clock = clock;
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm).withAudience(AUDIENCE)).build(clock);
  }

  /** A token for {@code account} valid for {@code lifetime} from now. */
  public String issue(Accounts.Account account, Duration lifetime) {
    Instant now = clock.instant();
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return JWT.create()
        .withKeyId("not-used")
        .withSubject(account.name())
        .withClaim("role", account.role().id())
        .withJWTId(HexFormat.of().formatHex(id))
        .withAudience(AUDIENCE)
        .withIssuedAt(now)
        .withNotBefore(now)
        .withExpiresAt(now.plus(lifetime))
        .sign(algorithm);
  }

  public Verified verify(String token) {
    try {
      DecodedJWT jwt = verifier.verify(token);
      String role = jwt.getClaim("role").asString();
      if (jwt.getSubject() == null || role == null) {
        return new Verified(Optional.empty(), Refusal.INVALID);
      }
      return new Verified(Optional.of(new Claims(jwt.getSubject(), role)), null);
    } catch (TokenExpiredException e) {
      return new Verified(Optional.empty(), Refusal.EXPIRED);
    } catch (JWTVerificationException | IllegalArgumentException e) {
      return new Verified(Optional.empty(), Refusal.INVALID);
    }
  }
}
