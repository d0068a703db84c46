package io.spillway.processor.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.PaymentReceived;
import io.spillway.contract.spring.HoldsProperties;
import io.spillway.processor.operations.HoldMetrics;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.processor.publish.OutboxRelay;
import io.spillway.processor.store.CommandStore;
import io.spillway.processor.store.CommandStore.Watermark;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * The command intake: consumes {@code orders.commands} (payments and cancellations from the door) in
 * its own consumer group and stores each poll in PostgreSQL in one transaction ({@link CommandStore}),
 * offsets committed after it; a failed poll is retried like an order poll (the same error handler),
 * outside the database circuit, which guards the orders' line. It decides nothing about stock; the owner of each order's line does,
 * between its polls.
 *
 * <p>The watermark. With every poll, and when idle, it raises per assigned partition how far it has
 * stored: when the partition's lag is 0, everything appended before the poll started (the moment this
 * thread last returned to the container), less the clock skew; otherwise the last stored record's
 * append time ({@code LogAppendTime}, rising within a partition) less 1 ms. A hold expires only once
 * its deadline plus the payment grace is behind the smallest watermark, so a payment accepted by the
 * deadline is stored before its hold can expire.
 *
 * <p>Limits: the lag-0 rule trusts the last fetch to be recent: the consumer's
 * {@code fetch.max.wait.ms} is kept far below the clock skew subtracted. A topic written with
 * {@code CreateTime} gives no append times: then only the lag-0 rule raises the watermark.
 */
@Component
class CommandListener {

    /** The container's id in {@code KafkaListenerEndpointRegistry}. */
    static final String ID = "order-processor-commands";

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);
    private static final JsonMapper LENIENT = JsonMapper.builder().build();
    /** The intake's own leftovers (a crash after its commit) are published again once this old. */
    private static final long LEFTOVER_SECONDS = 10;

    private final CommandStore store;
    private final OutboxRelay relay;
    private final HoldsProperties holds;
    private final HoldMetrics metrics;
    private final Clock clock;
    /** When this consumer's thread last returned to the container: the next poll started after it. */
    private final ThreadLocal<Instant> returned = new ThreadLocal<>();
    private final ThreadLocal<Instant> leftoversChecked = new ThreadLocal<>();

    CommandListener(
            CommandStore store,
            OutboxRelay relay,
            HoldsProperties holds,
            HoldMetrics metrics,
            Clock clock) {
        this.store = store;
        this.relay = relay;
        this.holds = holds;
        this.metrics = metrics;
        this.clock = clock;
    }

    @KafkaListener(
            id = ID,
            groupId = "${spring.kafka.consumer.group-id:${SPILLWAY_PROCESSOR_GROUP:order-processor}}-commands",
            topics = "#{@topics.commands()}",
            containerFactory = "commandListenerContainerFactory",
            batch = "true")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment ack, Consumer<?, ?> consumer) {
        Instant pollStarted = returned.get();
        try {
            List<OrderCommand> commands = new ArrayList<>(records.size());
            List<DeadLetter> unreadable = new ArrayList<>();
            Map<Integer, Instant> lastAppended = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Object read = read(record);
                if (read instanceof OrderCommand command) {
                    commands.add(command);
                } else {
                    unreadable.add((DeadLetter) read);
                }
                if (record.timestampType() == TimestampType.LOG_APPEND_TIME) {
                    Instant appended = Instant.ofEpochMilli(record.timestamp());
                    lastAppended.put(record.partition(), appended);
                    if (read instanceof PaymentReceived payment) {
                        metrics.appended(payment.acceptedAt(), appended);
                    }
                }
            }
            List<Watermark> watermarks = watermarks(consumer, pollStarted, lastAppended);
            CommandStore.Stored stored = store.store(commands, watermarks, now());
            // Dead letters and the early cancellations go out before the offsets move past them.
            relay.deadLetter(unreadable);
            relay.publish(stored.outbox());
            ack.acknowledge();
            metrics.commandsStored("payment", stored.payments());
            metrics.commandsStored("cancel", stored.cancels());
            for (int i = 0; i < stored.refConflicts(); i++) {
                metrics.refConflict();
            }
            unreadable.forEach(letter -> log.warn("orders.commands {}-{}@{} cannot be read ({}: {}); dead-lettered",
                    letter.source().topic(), letter.source().partition(), letter.source().offset(), letter.kind(),
                    letter.cause()));
        } finally {
            returned.set(clock.instant());
        }
    }

    /** Nothing came: everything appended before the last poll started is stored (lag 0), say so. */
    @EventListener(condition = "event.listenerId.startsWith('" + ID + "')")
    void onIdle(ListenerContainerIdleEvent idle) {
        Instant pollStarted = returned.get();
        try {
            List<Watermark> watermarks = watermarks(idle.getConsumer(), pollStarted, Map.of());
            if (!watermarks.isEmpty()) {
                store.raiseOnly(watermarks);
            }
            republishLeftovers();
        } catch (RuntimeException e) {
            log.warn("the command intake could not raise its watermarks while idle; trying again", e);
        } finally {
            returned.set(clock.instant());
        }
    }

    private void republishLeftovers() {
        Instant checked = leftoversChecked.get();
        Instant now = clock.instant();
        if (checked != null && checked.plusSeconds(LEFTOVER_SECONDS).isAfter(now)) {
            return;
        }
        leftoversChecked.set(now);
        relay.publish(relay.leftOver(new Integer[0], true, LEFTOVER_SECONDS, 2000));
    }

    private List<Watermark> watermarks(Consumer<?, ?> consumer, Instant pollStarted, Map<Integer, Instant> appended) {
        List<Watermark> watermarks = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            Instant through = null;
            if (pollStarted != null && lag.isPresent() && lag.getAsLong() == 0) {
                through = pollStarted.minus(holds.clockSkew());
            }
            Instant last = appended.get(partition.partition());
            if (last != null && (through == null || last.minusMillis(1).isAfter(through))) {
                through = last.minusMillis(1);
            }
            if (through != null) {
                watermarks.add(new Watermark(partition.partition(), through));
            }
        }
        return watermarks;
    }

    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static Object read(ConsumerRecord<byte[], byte[]> record) {
        try {
            return EventJson.readCommand(record.value());
        } catch (RuntimeException e) {
            String cause = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            return new DeadLetter(record, newerSchema(record.value()) ? "newer-version" : "unreadable", cause);
        }
    }

    private static boolean newerSchema(byte[] value) {
        try {
            JsonNode json = LENIENT.readTree(value);
            return json != null
                    && json.path("schemaVersion").isIntegralNumber()
                    && json.path("schemaVersion").intValue() > OrderEvent.SCHEMA_VERSION;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
