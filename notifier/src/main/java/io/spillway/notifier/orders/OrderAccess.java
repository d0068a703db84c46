package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.problems.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The capability check of both order endpoints: the token, from {@code ?token=} or
 * {@code Authorization: Bearer}, must be the order's. A malformed id, a wrong token and an unknown
 * order all get the same 404, so the answer tells nothing about which orders exist.
 */
class OrderAccess {

    private static final String BEARER = "Bearer ";

    private final OrderTokens tokens;

    OrderAccess(OrderTokens tokens) {
        this.tokens = tokens;
    }

    OrderId authorize(String rawOrderId, String queryToken, String authorization) {
        OrderId orderId = OrderId.parseOrNull(rawOrderId);
        if (orderId == null) {
            throw new OrderNotFound();
        }
        String headerToken = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim()
                : null;
        if (!tokens.verify(orderId, queryToken) && !tokens.verify(orderId, headerToken)) {
            throw new OrderNotFound();
        }
        return orderId;
    }

    /** The one answer for every order a caller may not see. */
    static final class OrderNotFound extends ErrorResponseException {

        OrderNotFound() {
            super(HttpStatus.NOT_FOUND, problem(), null);
        }

        private static ProblemDetail problem() {
            return Problems.untyped(HttpStatus.NOT_FOUND, "Order not found",
                    "No order with this id can be shown with this token.");
        }
    }
}
