package io.spillway.contract.admission;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderEvent;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * The entry is admitted: its buyer may go to the shop with {@code token} until {@code expiresAt}.
 * Made once, in the transaction that counts the admission; published again, the same, after a crash.
 *
 * @param line the entry's place in the line (as in {@link EntryWaiting})
 * @param token the ES256 JWT ({@link AdmissionTokens}); its {@code jti}, {@code iat} and {@code exp}
 *     are {@code jti}, {@code happenedAt} and {@code expiresAt}
 * @param url the room's checkout URL carrying the token
 */
public record EntryAdmitted(
        int schemaVersion, EntryId entryId, RoomId roomId, CustomerId customerId, long line, UUID jti,
        String token, Instant expiresAt, URI url, Instant happenedAt) implements AdmissionEvent {

    public EntryAdmitted {
        AdmissionEvent.requireSupported(schemaVersion);
        OrderEvent.require(entryId, "entryId");
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(jti, "jti");
        OrderEvent.require(token, "token");
        OrderEvent.require(expiresAt, "expiresAt");
        OrderEvent.require(url, "url");
        OrderEvent.require(happenedAt, "happenedAt");
        if (!expiresAt.isAfter(happenedAt)) {
            throw new IllegalArgumentException("expiresAt must be after the admission");
        }
    }

    @Override
    public String key() {
        return entryId.toString();
    }
}
