package io.spillway.ingest.orders;

import io.spillway.contract.OrderId;

/** The 202 body of the contract; {@code accessToken} is the order's capability for status and events. */
record OrderAccepted(String orderId, String status, String accessToken, Links links) {

    static final String ORDERS_PATH = "/api/v1/orders";

    record Links(String status, String events) {}

    static OrderAccepted queued(OrderId orderId, String accessToken) {
        String self = location(orderId);
        // The token is URL-safe base64 without padding, so it needs no escaping in a query.
        return new OrderAccepted(orderId.toString(), "QUEUED", accessToken,
                new Links(self + "?token=" + accessToken, self + "/events?token=" + accessToken));
    }

    static String location(OrderId orderId) {
        return ORDERS_PATH + "/" + orderId;
    }
}
