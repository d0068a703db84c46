package io.spillway.contract;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The draw of a sale's pre-queue (CONTRACT.md, "Opening: pre-queue and draw"), the one definition
 * that inventory-service, the processor and the verifier share: a random 32-byte seed fixed when
 * the sale is created, its commitment {@code hex(SHA-256(seed))} published from then on, and each
 * order's key {@code hex(HMAC-SHA256(key = seed, message = orderId as text))}.
 *
 * <p>Why this is fair: the seed is secret until every pre-queue order is decided, so nobody can
 * choose an order id with a small key; the commitment stops the operator from choosing the seed
 * after seeing the orders. Why it is verifiable: the order is a pure function of seed and order ids,
 * so anyone with the revealed seed and their order id recomputes their key and place. Ascending hex
 * order equals ascending byte order (unsigned), which is how PostgreSQL sorts {@code bytea}.
 *
 * <p>Limits: never log or print a seed before it is revealed; this class does not know when that is.
 */
public final class Draw {

    public static final int SEED_BYTES = 32;

    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Draw() {}

    /** A new seed from {@link SecureRandom}. */
    public static byte[] newSeed() {
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        return seed;
    }

    /** {@code hex(SHA-256(seed))}. */
    public static String commitment(byte[] seed) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** The draw key's bytes: {@code HMAC-SHA256(key = seed, message = orderId as text)}. */
    public static byte[] keyBytes(byte[] seed, OrderId orderId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(seed, "HmacSHA256"));
            return mac.doFinal(orderId.toString().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    /** The draw key as the contract writes it: lower-case hex. */
    public static String key(byte[] seed, OrderId orderId) {
        return hex(keyBytes(seed, orderId));
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }
}
