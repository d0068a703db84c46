package io.spillway.notifier.status;

import io.spillway.contract.OrderId;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Reads the global copy of the order-status table, which holds every order on every instance. While
 * the streams start or restore the store cannot be read; an order then simply is not visible yet,
 * which callers answer as QUEUED.
 */
public class OrderStatusStore {

    private final StreamsBuilderFactoryBean streams;

    OrderStatusStore(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    public Optional<OrderStatus> find(OrderId orderId) {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            return Optional.empty();
        }
        try {
            ReadOnlyKeyValueStore<String, OrderStatus> store = kafkaStreams.store(
                    StoreQueryParameters.fromNameAndType(OrderStatusTopology.GLOBAL_STORE, QueryableStoreTypes.keyValueStore()));
            return Optional.ofNullable(store.get(orderId.toString()));
        } catch (InvalidStateStoreException notQueryableNow) {
            return Optional.empty();
        }
    }
}
