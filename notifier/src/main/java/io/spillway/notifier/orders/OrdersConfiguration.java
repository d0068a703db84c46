package io.spillway.notifier.orders;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.contract.spring.WarmupRound;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.queue.QueueModel;
import io.spillway.notifier.records.OrderRecords;
import io.spillway.notifier.status.OrderStatusStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

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
    OrderViews orderViews(OrderStatusStore store, QueueModel queueModel, OrderRecords orderRecords,
            NotifierProperties settings, WarmupOrders warmupOrders) {
        return new OrderViews(store, queueModel, orderRecords, settings.decidedRetentionInForce(),
                settings.records().timeout(), warmupOrders::contains);
    }

    @Bean
    WarmupOrders warmupOrders() {
        return new WarmupOrders();
    }

    /** Run by the warm-up gate before the instance reports ready (docs/operations.md, "Ready for the spike"). */
    @Bean
    WarmupRound orderWarmup(ObjectProvider<OrderTokens> tokens, WarmupOrders warmupOrders, Environment environment) {
        // Without a secret the instance does not start (orderAccess says why); the warm-up mints its tokens with it.
        return new OrderWarmup(tokens.getObject(), warmupOrders, environment);
    }

    /** The warm-up's requests (marked by {@link WarmupOrders}) are not in {@code http.server.requests}. */
    @Bean
    ObservationPredicate warmupRequestsUnobserved(WarmupOrders warmupOrders) {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && warmupOrders.marks(request.getCarrier()));
    }

    @Bean
    RouterFunction<ServerResponse> orderEventsRoute(OrderAccess orderAccess, Subscriptions subscriptions) {
        return new OrderEventsController(orderAccess, subscriptions).route();
    }

    /**
     * Reactor Netty, always: Spring Boot would pick Tomcat for a reactive application whenever
     * Tomcat is on the classpath (as in the e2e JVM, for the other services), and Tomcat keeps far
     * more per idle stream. Declared here, so Boot's own choice of server steps aside.
     */
    @Bean
    NettyReactiveWebServerFactory nettyReactiveWebServerFactory(
            ObjectProvider<NettyServerCustomizer> customizers, ReactorResourceFactory notifierNettyResources) {
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
        factory.getServerCustomizers().addAll(customizers.orderedStream().toList());
        factory.setResourceFactory(notifierNettyResources);
        return factory;
    }

    /**
     * Event loops of the notifier's own, not Reactor Netty's global ones: any other Spring context in
     * the same JVM with a {@code ReactorResourceFactory} (a WebClient's) disposes the global loops when
     * it closes, which would stop this server with it.
     */
    @Bean
    ReactorResourceFactory notifierNettyResources() {
        ReactorResourceFactory resources = new ReactorResourceFactory();
        resources.setUseGlobalResources(false);
        return resources;
    }

    @Bean
    OpenConnections openConnections(MeterRegistry meters) {
        return new OpenConnections(meters);
    }

    @Bean
    DirectDecisions directDecisions(KafkaProperties kafka, SslBundles sslBundles, Topics topics,
            NotifierProperties settings, Subscriptions subscriptions, MeterRegistry meters) {
        return new DirectDecisions(topics.results(), kafka.buildConsumerProperties(sslBundles),
                settings.applicationId() + "-direct-decisions", subscriptions, meters);
    }

    @Bean
    Subscriptions subscriptions(OrderViews orderViews, ObjectMapper objectMapper, NotifierProperties settings,
            MeterRegistry meters, WarmupOrders warmupOrders) {
        // Jackson's default buffer pool is per thread: each stream's virtual thread would keep its
        // own ~9 KiB of char buffers for as long as the stream lives. One shared pool instead.
        ObjectMapper streamJson = objectMapper.copy();
        streamJson.getFactory().setRecyclerPool(JsonRecyclerPools.sharedConcurrentDequePool());
        return new Subscriptions(orderViews, streamJson, settings, meters, warmupOrders::contains);
    }
}
