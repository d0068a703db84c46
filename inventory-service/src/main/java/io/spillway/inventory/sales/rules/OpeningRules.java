package io.spillway.inventory.sales.rules;

import io.spillway.contract.OpeningOrder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The rules a sale and a waiting room share (CONTRACT.md, "Opening: pre-queue and draw" and
 * "Admission"): the name, {@code opensAt}, an optional {@code prequeueOpensAt} before it, and the
 * {@code openingOrder} of the pre-queue. {@link NewSaleRules} and the rooms' rules both check
 * through here, so a room opens exactly as a sale does.
 */
public final class OpeningRules {

    static final int MAX_NAME = 200;

    /**
     * The times a sale or room may have: four-digit years, as ISO 8601 writes them without a sign.
     * Well inside what PostgreSQL's {@code timestamptz} stores (4713 BC to 294276 AD), which
     * {@link Instant#parse} goes far beyond ({@code +300000-01-01T00:00:00Z} parses).
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private OpeningRules() {}

    /** A valid opening; {@code prequeueOpensAt} null: no pre-queue. */
    public record Opening(Instant opensAt, Instant prequeueOpensAt, OpeningOrder openingOrder) {}

    /**
     * Checks the opening's three fields as the request sent them.
     *
     * @return the opening, or null when {@code violations} got at least one of its fields
     */
    public static Opening check(String opensAt, String prequeueOpensAt, String openingOrder, Violations violations) {
        Instant opens = parseInstant("opensAt", opensAt, violations);
        Instant prequeue = prequeueOpensAt == null ? null : parseInstant("prequeueOpensAt", prequeueOpensAt, violations);
        boolean valid = opens != null && (prequeueOpensAt == null || prequeue != null);
        if (prequeue != null && opens != null && !prequeue.isBefore(opens)) {
            violations.add("prequeueOpensAt", "must be before opensAt");
            valid = false;
        }
        OpeningOrder order = checkOpeningOrder(openingOrder, violations);
        return valid && order != null ? new Opening(opens, prequeue, order) : null;
    }

    /** A title: 1 to {@link #MAX_NAME} characters of text. */
    public static void checkName(String name, Violations violations) {
        if (name == null || name.isBlank()) {
            violations.add("name", "must not be blank");
        } else if (name.codePointCount(0, name.length()) > MAX_NAME) {
            // Code points, as PostgreSQL counts VARCHAR(200).
            violations.add("name", "must have at most " + MAX_NAME + " characters");
        } else if (name.codePoints().anyMatch(Character::isISOControl)) {
            // PostgreSQL rejects NUL in text; other control characters have no place in a title.
            violations.add("name", "must not contain control characters");
        } else if (name.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            // Half a surrogate pair (a JSON escape can make one) is no character: the driver would store "?".
            violations.add("name", "must be valid Unicode text");
        }
    }

    /** Absent is FIFO, as every sale opened before the pre-queue; names are exact (no case folding). */
    private static OpeningOrder checkOpeningOrder(String text, Violations violations) {
        if (text == null) {
            return OpeningOrder.FIFO;
        }
        for (OpeningOrder order : OpeningOrder.values()) {
            if (order.name().equals(text)) {
                return order;
            }
        }
        violations.add("openingOrder", "must be FIFO or SHUFFLED");
        return null;
    }

    private static Instant parseInstant(String field, String text, Violations violations) {
        if (text != null) {
            Instant instant;
            try {
                // The database keeps microseconds; the answer must show what was stored.
                instant = Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
            } catch (DateTimeParseException e) {
                instant = null;
            }
            if (instant != null && (instant.isBefore(EARLIEST) || instant.isAfter(LATEST))) {
                violations.add(field, "must be from " + EARLIEST + " to " + LATEST);
                return null;
            }
            if (instant != null) {
                return instant;
            }
        }
        violations.add(field, "must be an ISO-8601 instant such as 2026-12-24T09:00:00Z");
        return null;
    }
}
