package io.spillway.ingest.problems;

/**
 * The ways the door refuses an order, a payment, a cancellation, an entry to a room or a leave, each with its status from the contract's table and a stable
 * problem {@code type} a client can switch on.
 */
public enum RefusalKind {
    INVALID_REQUEST(400, "invalid-request", "The request is invalid"),
    BODY_TOO_LARGE(413, "body-too-large", "The body is too large"),
    NOT_JSON(415, "unsupported-media-type", "The body must be JSON"),
    NOT_ACCEPTED(503, "not-accepted", "The order was not accepted"),
    OVERLOADED(503, "overloaded", "The service is shedding load"),
    VIEW_NOT_READY(503, "not-ready", "The service is starting"),
    UNKNOWN_SALE(422, "unknown-sale", "There is no such sale"),
    UNKNOWN_ITEM(422, "unknown-item", "There is no such item in the sale"),
    SEATS_NOT_IN_ITEM(422, "seats-not-in-item", "The seats are not in the item"),
    SEATS_ON_STOCK_ITEM(422, "seats-not-in-item", "The item has no named seats"),
    ABOVE_CUSTOMER_LIMIT(422, "above-customer-limit", "The quantity is above the per-customer limit"),
    IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "The Idempotency-Key was used with another body"),
    NOT_OPEN(409, "not-open", "The sale is not open yet"),
    SOLD_OUT(409, "sold-out", "The item is sold out"),
    PAUSED(409, "sale-paused", "The sale is paused"),
    CLOSED(409, "sale-closed", "The sale is closed"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    UNAUTHORIZED(401, "unauthorized", "The payment credential is missing or wrong"),
    UNKNOWN_ORDER(404, "unknown-order", "There is no such order"),
    HOLDS_NOT_READY(503, "not-ready", "The service is starting"),
    COMMAND_NOT_ACCEPTED(503, "not-accepted", "The request was not accepted"),
    UNKNOWN_ROOM(404, "unknown-room", "There is no such room"),
    ROOM_NOT_OPEN(409, "not-open", "The room is not open yet"),
    ROOM_PAUSED(409, "room-paused", "The room is paused"),
    ROOM_CLOSED(409, "room-closed", "The room is closed"),
    BAD_ADMISSION_TOKEN(401, "unauthorized", "The admission token is missing or not valid"),
    ADMISSION_NOT_CONFIGURED(503, "not-configured", "Admission is not configured here");

    private final int status;
    private final String slug;
    private final String title;

    RefusalKind(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    /** The problem type's slug: {@code urn:spillway:problem:<slug>}, a stable name a client can switch on. */
    public String slug() {
        return slug;
    }

    /** The {@code reason} tag of the refused-orders metric. */
    public String reason() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public String title() {
        return title;
    }
}
