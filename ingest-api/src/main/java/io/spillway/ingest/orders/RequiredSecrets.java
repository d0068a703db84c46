package io.spillway.ingest.orders;

import io.spillway.contract.OrderTokens;
import org.springframework.beans.factory.ObjectProvider;

/** The secrets the door cannot start without, each refused with the setting that names it. */
public final class RequiredSecrets {

    private RequiredSecrets() {}

    /** The order tokens (from {@code spillway.order-token.secret}), or a failure naming how to set it. */
    public static OrderTokens orderTokens(ObjectProvider<OrderTokens> tokens) {
        OrderTokens orderTokens = tokens.getIfAvailable();
        if (orderTokens == null) {
            throw new IllegalStateException("spillway.order-token.secret is not set: set SPILLWAY_ORDER_TOKEN_SECRET "
                    + "to the secret (at least 32 bytes) that ingest-api shares with the notifier");
        }
        return orderTokens;
    }
}
