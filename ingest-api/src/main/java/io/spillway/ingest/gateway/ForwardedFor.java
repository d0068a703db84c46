package io.spillway.ingest.gateway;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The buyer's address behind the gateway, for the per-address bucket: {@code X-Forwarded-For} is
 * believed only as far as it was written by a trusted proxy (the gateway's CIDRs,
 * {@code spillway.ingest.gateway.trusted-proxies}). Read from the right: the connection's peer, then
 * each hop it names, while the hop is a trusted proxy; the first untrusted address is the client.
 * Anyone else's header is ignored, so a pod or a buyer cannot pick its own bucket.
 *
 * <p>Limits: an entry that is not a literal IP address (a name, {@code unknown}, an obfuscated
 * {@code _id}) stops the walk at the last trusted hop, so such requests share that hop's bucket.
 * The standard {@code Forwarded} header is not read: the gateways Spillway documents send
 * {@code X-Forwarded-For}.
 */
final class ForwardedFor {

    private final List<Cidr> trusted;

    ForwardedFor(List<String> trustedCidrs) {
        this.trusted = trustedCidrs.stream().filter(c -> !c.isBlank()).map(Cidr::parse).toList();
    }

    boolean enabled() {
        return !trusted.isEmpty();
    }

    /**
     * @param peer the connection's remote address
     * @param headers every {@code X-Forwarded-For} header of the request, in order
     */
    String client(String peer, List<String> headers) {
        Optional<InetAddress> peerAddress = literal(peer);
        if (peerAddress.isEmpty() || !isTrusted(peerAddress.get())) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                return client;
            }
            client = hop.get().getHostAddress();
            if (!isTrusted(hop.get())) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        return trusted.stream().anyMatch(c -> c.contains(address));
    }

    /** An IPv4 or IPv6 literal, never a DNS look-up; IPv6 may be bracketed; a port is not accepted. */
    static Optional<InetAddress> literal(String text) {
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** An address block such as {@code 10.42.0.0/16} or {@code fd00::/8}. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            InetAddress address = literal(parts[0])
                    .orElseThrow(() -> new IllegalArgumentException("not a CIDR block: " + text));
            int bits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("not a CIDR block: " + text);
            }
            return new Cidr(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int shift = network.length * 8 - prefix;
            return new BigInteger(1, candidate).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
        }
    }
}
