package io.spillway.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ForwardedForTest {

    private final ForwardedFor gateway = new ForwardedFor(List.of("10.42.0.0/16", "fd00:42::/32"));

    @Test
    void theBuyerBehindTheGatewayIsTheClient() {
        assertThat(gateway.client("10.42.3.4", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void aHeaderFromAnAddressOutsideTheGatewaysIsIgnored() {
        assertThat(gateway.client("10.99.0.5", List.of("203.0.113.7"))).isEqualTo("10.99.0.5");
    }

    @Test
    void whatTheBuyerWroteBeforeTheGatewayAppendedItsPeerIsIgnored() {
        // The buyer sent "X-Forwarded-For: 198.51.100.1" itself; the gateway appended the real peer.
        assertThat(gateway.client("10.42.3.4", List.of("198.51.100.1, 203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void trustedHopsAreSkippedFromTheRightAcrossSeveralHeaders() {
        assertThat(gateway.client("10.42.3.4", List.of("198.51.100.1, 203.0.113.7", "10.42.9.9"))).isEqualTo("203.0.113.7");
    }

    @Test
    void aHopThatIsNotAnAddressStopsAtTheLastTrustedOne() {
        assertThat(gateway.client("10.42.3.4", List.of("203.0.113.7, unknown"))).isEqualTo("10.42.3.4");
        assertThat(gateway.client("10.42.3.4", List.of("evil.example, 10.42.1.1"))).isEqualTo("10.42.1.1");
    }

    @Test
    void ipv6BlocksAndBracketedAddressesWork() {
        assertThat(gateway.client("fd00:42::1", List.of("[2001:db8::7]"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(gateway.client("fd00:43::1", List.of("2001:db8::7"))).isEqualTo("fd00:43::1");
    }

    @Test
    void noTrustedProxyMeansTheFilterIsOff() {
        assertThat(new ForwardedFor(List.of()).enabled()).isFalse();
        assertThat(new ForwardedFor(List.of("")).enabled()).isFalse();
        assertThat(gateway.enabled()).isTrue();
    }

    @Test
    void aBlockThatIsNotACidrIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new ForwardedFor(List.of("gateway.example/16"))).hasMessageContaining("not a CIDR block");
        assertThatThrownBy(() -> new ForwardedFor(List.of("10.0.0.0/33"))).hasMessageContaining("not a CIDR block");
    }

    @Test
    void theFilterHandsTheControllersTheBuyersAddress() throws Exception {
        ForwardedForFilter filter = new ForwardedForFilter(gateway);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/orders");
        request.setRemoteAddr("10.42.3.4");
        request.addHeader("X-Forwarded-For", "203.0.113.7");
        AtomicReference<String> seen = new AtomicReference<>();
        filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> seen.set(((HttpServletRequest) req).getRemoteAddr()));
        assertThat(seen.get()).isEqualTo("203.0.113.7");
    }

    /** Whatever a buyer writes, connecting directly it cannot leave the bucket of its own address. */
    @Property
    void anUntrustedPeerAlwaysKeepsItsOwnAddress(@ForAll("outside") String peer, @ForAll("headers") List<String> headers) {
        assertThat(gateway.client(peer, headers)).isEqualTo(peer);
    }

    /** Behind any number of gateway hops, the client is the address the first hop saw, whatever came before. */
    @Property
    void throughTheGatewayTheClientIsTheAddressItsFirstHopSaw(
            @ForAll("headers") List<String> forged, @ForAll("outside") String buyer, @ForAll @IntRange(max = 3) int hops) {
        List<String> header = new ArrayList<>(forged);
        header.add(buyer);
        for (int i = 0; i < hops; i++) {
            header.add("10.42.0." + (i + 1));
        }
        assertThat(gateway.client("10.42.200.1", List.of(String.join(", ", header)))).isEqualTo(buyer);
    }

    @Provide
    Arbitrary<String> outside() {
        return Arbitraries.integers().between(11, 223).flatMap(a -> Arbitraries.integers().between(0, 255)
                .map(b -> a + "." + b + ".0.1"));
    }

    @Provide
    Arbitrary<List<String>> headers() {
        Arbitrary<String> hop = Arbitraries.oneOf(outside(), Arbitraries.just("10.42.1.1"), Arbitraries.just("unknown"),
                Arbitraries.strings().ofMaxLength(12));
        return hop.list().ofMaxSize(4);
    }
}
