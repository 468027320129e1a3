package io.contrail.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenersTest {
  @Test
  void loopbackAddressesAreTheOnlyOnesOtherMachinesCannotReach() {
    assertThat(Listeners.isLoopback("127.0.0.1")).isTrue();
    assertThat(Listeners.isLoopback("127.0.0.2")).isTrue();
    assertThat(Listeners.isLoopback("::1")).isTrue();
    assertThat(Listeners.isLoopback("[::1]")).isTrue();
    assertThat(Listeners.isLoopback("localhost")).isTrue();
    assertThat(Listeners.isLoopback("0.0.0.0")).isFalse();
    assertThat(Listeners.isLoopback("::")).isFalse();
    assertThat(Listeners.isLoopback("")).isFalse();
    assertThat(Listeners.isLoopback("10.1.2.3")).isFalse();
    assertThat(Listeners.isLoopback("no-such-host.invalid")).isFalse();
  }

  @Test
  void aListenerWithoutAuthenticationMayBindToLoopbackOnly() {
    Listeners.requireAuthBeyondLoopback("the REST API", "127.0.0.1", false);
    Listeners.requireAuthBeyondLoopback("the REST API", "0.0.0.0", true);
    assertThatThrownBy(() -> Listeners.requireAuthBeyondLoopback("the REST API", "0.0.0.0", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the REST API has no authentication").hasMessageContaining("not on '0.0.0.0'");
  }
}
