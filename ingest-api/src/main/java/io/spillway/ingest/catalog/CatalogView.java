package io.spillway.ingest.catalog;

import io.spillway.contract.CatalogJson;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.RoomId;
import io.spillway.ingest.rooms.RoomBook;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link SaleBook} current from the compacted catalogue topics with a Kafka Streams
 * topology of global stores (sales, their seat chunks, availability; and the rooms, for the
 * {@link RoomBook} of the room's door): every ingest instance reads every sale and every item, from the
 * beginning at start-up and then as they change, with no consumer group to share them.
 *
 * <p>Each store's processor parses the record once and updates the book, which is what requests
 * read; the store itself keeps the raw bytes (in memory, no changelog: the topic is the changelog).
 * Kafka Streams runs these processors on restore too, so the book is complete once the instance is
 * {@code RUNNING}; until then {@link #isCaughtUp()} is false, readiness is DOWN and the door answers
 * 503 rather than judging orders against an empty view. A record that cannot be read is logged and
 * skipped, so one bad record cannot stop the view.
 */
public final class CatalogView implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(CatalogView.class);

    /** How long after a fatal error of the view (a broker unreachable for minutes) it starts over. */
    private static final Duration RESTART_DELAY = Duration.ofSeconds(5);

    private final SaleBook book;
    private final RoomBook rooms;
    private final Topology topology;
    private final Properties properties;
    private final ScheduledExecutorService restarts;
    private volatile KafkaStreams streams;
    private volatile boolean running;
    private volatile boolean started;
    private volatile boolean starting;

    public CatalogView(SaleBook book, Topics topics, Map<String, Object> streamsConfig) {
        this(book, new RoomBook(), topics, streamsConfig);
    }

    public CatalogView(SaleBook book, RoomBook rooms, Topics topics, Map<String, Object> streamsConfig) {
        this.book = book;
        this.rooms = rooms;
        StreamsBuilder builder = new StreamsBuilder();
        // Sales: parsed into the book, a tombstone forgets the sale.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("catalog-sales"), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.sales(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new Feed("catalog-sales", true,
                        value -> book.define(CatalogJson.read(value, SaleDefined.class)),
                        key -> book.forget(SaleId.of(key))));
        // Availability: the latest per item, so a sold-out item is refused at the door.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("catalog-availability"), Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.availability(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new Feed("catalog-availability", true,
                        value -> book.update(CatalogJson.read(value, ItemAvailability.class)),
                        key -> book.forget(ItemKey.parse(key))));
        // Rooms (admission): the latest of each, for the room's door; a tombstone forgets the room.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("catalog-rooms"), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                AdmissionTopics.of(topics).rooms(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new Feed("catalog-rooms", true,
                        value -> rooms.define(AdmissionJson.readRoom(value)),
                        key -> rooms.forget(RoomId.of(key))));
        // Seats: each chunk's seat ids hashed into the book, which assembles a sale once all are in.
        // The store keeps nothing: ten million seat ids as raw bytes would be most of the heap.
        // Registered after availability, which is restored first: a sale that ended is then known
        // as ended before its chunks are read, and they are skipped.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("catalog-seats"), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.seats(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new Feed("catalog-seats", false,
                        value -> book.seats(CatalogJson.read(value, SeatChunk.class)),
                        key -> {}));
        this.topology = builder.build();
        this.properties = new Properties();
        this.properties.putAll(streamsConfig);
        this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sale-view-start");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** True once every catalogue record present at start-up is in the book. */
    public boolean isCaughtUp() {
        return running;
    }

    @Override
    public Health health() {
        KafkaStreams current = streams;
        Health.Builder health = running ? Health.up() : Health.down();
        return health.withDetail("state", current == null ? "NOT_STARTED" : current.state().name())
                .withDetail("sales", book.size())
                .withDetail("salesAssembling", book.assembling())
                .withDetail("seatsKept", book.seatsKept())
                .withDetail("rooms", rooms.size())
                .build();
    }

    /**
     * Starts the view without waiting for it: Kafka Streams' start blocks until the global stores
     * are loaded, which with the broker away could be forever, and the service must come up (not
     * ready) meanwhile.
     */
    @Override
    public void start() {
        started = true;
        restarts.execute(this::launch);
    }

    private void launch() {
        if (!started) {
            return;
        }
        KafkaStreams next = new KafkaStreams(topology, properties);
        next.setStateListener((now, before) -> {
            log.info("sale view {} -> {} ({} sales known)", before, now, book.size());
            running = now == KafkaStreams.State.RUNNING;
            if (now == KafkaStreams.State.ERROR) {
                // The global thread gave up (it does after task.timeout.ms without the broker): start
                // over. The book keeps what it knew, and reloading it is idempotent.
                relaunchLater(next);
            }
        });
        streams = next;
        starting = true;
        try {
            next.start();
        } catch (RuntimeException e) {
            log.warn("sale view did not start, retrying in {}: {}", RESTART_DELAY, e.toString());
            if (next.state() != KafkaStreams.State.ERROR) {
                relaunchLater(next);
            }
        } finally {
            starting = false;
        }
        if (!started) {
            // Stopped while starting: the close could not happen then (see stop).
            next.close(Duration.ofSeconds(5));
        }
    }

    private void relaunchLater(KafkaStreams failed) {
        if (!started) {
            return;
        }
        try {
            restarts.schedule(() -> {
                failed.close(Duration.ofSeconds(5));
                launch();
            }, RESTART_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: nothing to start over.
        }
    }

    @Override
    public void stop() {
        started = false;
        running = false;
        restarts.shutdown();
        KafkaStreams current = streams;
        // While Kafka Streams' start is still waiting for the broker it holds the lock that close
        // needs; the launching thread closes it once start returns, so shutting down never hangs.
        if (current != null && !starting) {
            current.close(Duration.ofSeconds(10));
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** One global store's processor: keep the raw value, apply it to the book. */
    private static final class Feed implements Processor<String, byte[], Void, Void> {

        private final String storeName;
        private final boolean keep;
        private final Consumer<byte[]> apply;
        private final Consumer<String> remove;
        private KeyValueStore<String, byte[]> store;

        Feed(String storeName, boolean keep, Consumer<byte[]> apply, Consumer<String> remove) {
            this.storeName = storeName;
            this.keep = keep;
            this.apply = apply;
            this.remove = remove;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            try {
                if (record.value() == null) {
                    remove.accept(record.key());
                    store.delete(record.key());
                } else {
                    apply.accept(record.value());
                    if (keep) {
                        store.put(record.key(), record.value());
                    }
                }
            } catch (RuntimeException e) {
                log.warn("catalogue record {} skipped: {}", record.key(), e.toString());
            }
        }
    }

}
