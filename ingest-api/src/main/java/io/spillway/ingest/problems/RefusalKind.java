package io.spillway.ingest.problems;

/**
 * The ways the door refuses an order, each with its status from the contract's table. The later
 * checks (sale not open: 409, impossible order: 422, rate limit: 429, load shedding: 503) add
 * their kinds here and are rendered by the same handler.
 */
public enum RefusalKind {
    INVALID_REQUEST(400, "invalid-request", "The request is invalid"),
    BODY_TOO_LARGE(413, "body-too-large", "The body is too large"),
    NOT_JSON(415, "unsupported-media-type", "The body must be JSON"),
    NOT_ACCEPTED(503, "not-accepted", "The order was not accepted");

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

    /** The problem {@code type}: a stable name a client can switch on. */
    public String type() {
        return "urn:spillway:problem:" + slug;
    }

    public String title() {
        return title;
    }
}
