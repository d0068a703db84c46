package io.spillway.notifier.orders;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.OrderTokens;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.queue.QueueModel;
import io.spillway.notifier.status.OrderStatusStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The order endpoints and the subscriptions behind the event streams. */
@Configuration(proxyBeanMethods = false)
class OrdersConfiguration {

    @Bean
    OrderAccess orderAccess(ObjectProvider<OrderTokens> tokens) {
        OrderTokens orderTokens = tokens.getIfAvailable();
        if (orderTokens == null) {
            throw new IllegalStateException(
                    "spillway.order-token.secret (SPILLWAY_ORDER_TOKEN_SECRET) is required: it checks order tokens");
        }
        return new OrderAccess(orderTokens);
    }

    @Bean
    OrderViews orderViews(OrderStatusStore store, QueueModel queueModel) {
        return new OrderViews(store, queueModel);
    }

    @Bean
    Subscriptions subscriptions(
            OrderViews orderViews, ObjectMapper objectMapper, NotifierProperties settings, MeterRegistry meters) {
        return new Subscriptions(orderViews, objectMapper, settings, meters);
    }
}
