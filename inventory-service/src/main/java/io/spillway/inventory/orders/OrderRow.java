package io.spillway.inventory.orders;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One order of a sale as the admin API lists it: what the orders table holds, nothing derived. */
record OrderRow(
        UUID orderId, String customerId, String sku, Integer quantity, List<String> seats, String status, String reason,
        Instant requestedAt, Instant decidedAt, Instant holdExpiresAt, Instant endedAt, String paymentRef) {}
