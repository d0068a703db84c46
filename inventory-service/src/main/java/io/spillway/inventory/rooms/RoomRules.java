package io.spillway.inventory.rooms;

import io.spillway.contract.admission.RoomId;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.sales.rules.OpeningRules;
import io.spillway.inventory.sales.rules.Violations;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The rules a new room and a change of its rates must satisfy (CONTRACT.md, "Admission"). The
 * opening (name, {@code opensAt}, {@code prequeueOpensAt}, {@code openingOrder}) is a sale's, checked
 * by the same {@link OpeningRules}; the rest is the room's own: the two rates (0: no cap), the session
 * and the shop's checkout URL.
 *
 * <p>Limits: the checkout URL is checked for shape only (absolute, http or https, a host); whether
 * the shop answers there is the operator's to try.
 */
final class RoomRules {

    /** A thousand admissions a second: far beyond any checkout this protects, well inside an int. */
    static final int MAX_ADMIT_PER_MINUTE = 60_000;
    static final int MAX_ACTIVE = 1_000_000;
    /** A day, as the schema bounds it: a session is a checkout's time, not a pass for later. */
    static final int MAX_SESSION_SECONDS = 86_400;
    static final int MAX_URL = 2_000;

    private RoomRules() {}

    sealed interface Checked {}

    record Valid(NewRoom room) implements Checked {}

    record Invalid(List<Violation> violations) implements Checked {}

    static Checked check(RoomRequest request) {
        Violations violations = new Violations();
        if (!RoomId.isValid(request.roomId())) {
            violations.add("roomId", "must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        OpeningRules.checkName(request.name(), violations);
        OpeningRules.Opening opening =
                OpeningRules.check(request.opensAt(), request.prequeueOpensAt(), request.openingOrder(), violations);
        checkRange("admitPerMinute", request.admitPerMinute(), 0, MAX_ADMIT_PER_MINUTE, violations);
        checkRange("maxActive", request.maxActive(), 0, MAX_ACTIVE, violations);
        checkRange("sessionSeconds", request.sessionSeconds(), 1, MAX_SESSION_SECONDS, violations);
        URI checkoutUrl = checkUrl(request.checkoutUrl(), violations);
        if (!violations.isEmpty()) {
            return new Invalid(violations.list());
        }
        return new Valid(new NewRoom(RoomId.of(request.roomId()), request.name(), opening, request.admitPerMinute(),
                request.maxActive(), request.sessionSeconds(), checkoutUrl));
    }

    /** A change of the rates: at least one, each in its range; empty when it is valid. */
    static List<Violation> checkRates(RateChange change) {
        Violations violations = new Violations();
        if (change.admitPerMinute() == null && change.maxActive() == null) {
            violations.add("admitPerMinute", "at least one of admitPerMinute and maxActive is required");
        }
        if (change.admitPerMinute() != null) {
            checkRange("admitPerMinute", change.admitPerMinute(), 0, MAX_ADMIT_PER_MINUTE, violations);
        }
        if (change.maxActive() != null) {
            checkRange("maxActive", change.maxActive(), 0, MAX_ACTIVE, violations);
        }
        return violations.list();
    }

    private static void checkRange(String field, Integer value, int min, int max, Violations violations) {
        if (value == null || value < min || value > max) {
            violations.add(field, "must be an integer from " + min + " to " + max);
        }
    }

    private static URI checkUrl(String text, Violations violations) {
        String rule = "must be an absolute http or https URL of at most " + MAX_URL + " characters";
        if (text == null || text.isEmpty() || text.length() > MAX_URL) {
            violations.add("checkoutUrl", rule);
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            violations.add("checkoutUrl", rule);
            return null;
        }
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
            violations.add("checkoutUrl", rule);
            return null;
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            // The token is added as a query parameter; a fragment would hide it from the shop's server
            // and credentials in a URL given to every buyer are a leak.
            violations.add("checkoutUrl", "must have no user info and no fragment");
            return null;
        }
        return uri;
    }
}
