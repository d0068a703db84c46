package io.spillway.contract.spring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The mark a warm-up ({@link WarmupRound}) puts on its own requests to its instance's port, so that
 * the instance can keep them out of what buyers and dashboards see ({@code http.server.requests}, a
 * warm-up's own lane): the header {@value #HEADER} with a value drawn at random when the mark is
 * made. The value exists only inside this process and is never logged, so no client outside can
 * forge it to hide its own requests or to reach a warm-up's lane.
 */
public final class WarmupMark {

    public static final String HEADER = "Spillway-Warmup";

    private final String value;
    private final byte[] bytes;

    public WarmupMark() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        value = HexFormat.of().formatHex(secret);
        bytes = value.getBytes(StandardCharsets.US_ASCII);
    }

    /** What the warm-up's requests carry in {@link #HEADER}. */
    public String value() {
        return value;
    }

    /** Whether a request's {@link #HEADER} (null when it has none) is this mark; in constant time. */
    public boolean matches(String header) {
        return header != null && MessageDigest.isEqual(bytes, header.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        // Never the value: a mark in a log would let its reader forge it.
        return "WarmupMark[" + HEADER + "]";
    }
}
