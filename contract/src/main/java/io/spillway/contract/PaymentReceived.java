package io.spillway.contract;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The payment system says the order was paid, with its own reference. {@code commandId} is a
 * function of the order and the call's {@code Idempotency-Key}: the same callback twice is one
 * payment, and so is the same {@code paymentRef} twice.
 */
public record PaymentReceived(
        int schemaVersion, UUID commandId, OrderId orderId, String paymentRef, Instant acceptedAt)
        implements OrderCommand {

    /** 1 to 128 of {@code [A-Za-z0-9._:-]}: what payment systems' references are made of. */
    public static final Pattern REF = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public PaymentReceived {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(commandId, "commandId");
        OrderEvent.require(orderId, "orderId");
        requireRef(paymentRef);
        OrderEvent.require(acceptedAt, "acceptedAt");
    }

    public static PaymentReceived of(OrderId orderId, String idempotencyKey, String paymentRef, Instant acceptedAt) {
        return new PaymentReceived(OrderEvent.SCHEMA_VERSION, commandId(orderId, idempotencyKey), orderId, paymentRef,
                acceptedAt);
    }

    /** The same order and key always give the same id, so a repeated callback is one payment. */
    public static UUID commandId(OrderId orderId, String idempotencyKey) {
        return UUID.nameUUIDFromBytes(
                ("payment\n" + orderId.value() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }

    static String requireRef(String paymentRef) {
        OrderEvent.require(paymentRef, "paymentRef");
        if (!REF.matcher(paymentRef).matches()) {
            throw new IllegalArgumentException("paymentRef must be 1 to 128 of [A-Za-z0-9._:-]");
        }
        return paymentRef;
    }
}
