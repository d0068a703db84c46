package io.spillway.contract.admission;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.OrderEvent;
import java.net.URI;
import java.time.Instant;

/**
 * A room as it stands: published by inventory-service to the compacted rooms topic
 * ({@link AdmissionTopics#rooms}), keyed by {@code roomId}, each time it is created or changed; read by
 * the door to answer entries without a database call. The admitter reads the rates from PostgreSQL
 * instead, so it never waits for this topic.
 *
 * <p>A room opens like a sale (CONTRACT.md, "Opening: pre-queue and draw"): entries are taken from
 * {@code prequeueOpensAt} (or {@code opensAt} without a pre-queue), those before {@code opensAt} are
 * put in line by the draw ({@code openingOrder}), the later ones by arrival.
 *
 * @param admitPerMinute at most this many admissions in any minute; 0: no cap
 * @param maxActive at most this many admitted and not yet ended at once; 0: no cap
 * @param sessionSeconds an admission's life: its token's {@code exp} is this long after {@code iat}
 * @param checkoutUrl where an admitted buyer goes, the token added as the {@code spillway_token}
 *     query parameter (the contract names the field {@code url} but not where it comes from)
 * @param paused null or true: the door refuses new entries, the admitter admits nobody
 * @param closedAt null, or when an operator closed the room: the door refuses entries for good, and
 *     every entry still waiting ends {@code CLOSED}
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes(@JsonSubTypes.Type(value = RoomDefined.class, name = "RoomDefined"))
public record RoomDefined(
        int schemaVersion, RoomId roomId, String name, Instant opensAt, Instant prequeueOpensAt,
        OpeningOrder openingOrder, int admitPerMinute, int maxActive, int sessionSeconds, URI checkoutUrl,
        Boolean paused, Instant closedAt) {

    public static final int SCHEMA_VERSION = 1;

    public RoomDefined {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(name, "name");
        OrderEvent.require(opensAt, "opensAt");
        OrderEvent.require(openingOrder, "openingOrder");
        OrderEvent.require(checkoutUrl, "checkoutUrl");
        if (prequeueOpensAt != null && !prequeueOpensAt.isBefore(opensAt)) {
            throw new IllegalArgumentException("prequeueOpensAt must be before opensAt");
        }
        if (admitPerMinute < 0 || maxActive < 0) {
            throw new IllegalArgumentException("admitPerMinute and maxActive must not be negative");
        }
        if (sessionSeconds < 1) {
            throw new IllegalArgumentException("sessionSeconds must be at least 1");
        }
        // One spelling of "not paused", so that records equal in meaning are equal.
        paused = Boolean.TRUE.equals(paused) ? Boolean.TRUE : null;
    }

    /** When the door starts taking entries: the pre-queue's opening, or {@code opensAt} without one. */
    public Instant doorOpensAt() {
        return prequeueOpensAt == null ? opensAt : prequeueOpensAt;
    }

    public boolean doorPaused() {
        return Boolean.TRUE.equals(paused);
    }

    public boolean doorClosed() {
        return closedAt != null;
    }

    public String key() {
        return roomId.value();
    }
}
