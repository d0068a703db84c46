package io.spillway.inventory.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SaleId;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.RoomId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes the catalogue's current state from PostgreSQL to the compacted topics {@code sales},
 * {@code items.availability} and the rooms' {@code sales.rooms} ({@code RoomDefined}, each time a
 * room's row changes), which ingest-api reads to answer at the door without a database call.
 *
 * <p>Why a poll and not a send when a sale is created: a database write followed by a Kafka send is
 * a dual write (either can happen without the other), and the processor, which changes
 * availability, would have to publish from its hot path. Polling the state and publishing it is
 * idempotent instead: a record lost, repeated or published by two instances at once is corrected by
 * the next poll, and the lag is bounded by the poll interval. It cannot publish a state that was
 * never committed, and it publishes only the latest state, never each step.
 *
 * <p>Seat ids go to their own topic in {@link SeatChunk}s, a sale's {@link SaleDefined} only after
 * all of them: no record comes near the topics' limit, whatever the sale (docs/ingest.md). A round
 * sends at most {@code seat-chunks-per-poll} chunks, so a sale of ten million seats is published
 * over several rounds and availability keeps flowing between them.
 *
 * <p>One thread does all the work. A sale that fails is isolated: logged, counted
 * ({@code spillway_inventory_catalog_publish_failures_total}) and tried again next round, while the
 * other sales and the availability go on. A poll that fails as a whole (database away) is logged and
 * the next one starts over from what the broker acknowledged.
 */
public final class CatalogRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatalogRelay.class);

    private final CatalogSource source;
    private final KafkaTemplate<String, Object> template;
    private final Topics topics;
    private final AdmissionTopics admissionTopics;
    private final CatalogProperties settings;
    private final PublishFailures failures;
    private final CatalogChanges changes = new CatalogChanges();
    /** Callers waiting for a sale ({@link SaleId}) or a room ({@link RoomId}) to be published. */
    private final Map<Object, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;

    CatalogRelay(
            CatalogSource source, KafkaTemplate<String, Object> template, Topics topics, AdmissionTopics admissionTopics,
            CatalogProperties settings, PublishFailures failures) {
        this.admissionTopics = admissionTopics;
        this.source = source;
        this.failures = failures;
        this.template = template;
        this.topics = topics;
        this.settings = settings;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-relay");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        thread.scheduleWithFixedDelay(this::pollQuietly, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Asks for a poll now and waits, at most {@code created-sale-wait}, until the sale is published
     * (again, after stock or seats were added to it). Used after a sale is created or grown, so that
     * its answer usually means the door already knows it; false if not yet (the relay keeps trying).
     */
    public boolean awaitPublished(SaleId saleId) {
        return awaitPublishedRecord(saleId);
    }

    /** As {@link #awaitPublished(SaleId)}, for a room just created. */
    public boolean awaitPublished(RoomId roomId) {
        return awaitPublishedRecord(roomId);
    }

    private boolean awaitPublishedRecord(Object saleOrRoom) {
        Duration wait = settings.createdSaleWait();
        CompletableFuture<Void> published = waiting.computeIfAbsent(saleOrRoom, id -> new CompletableFuture<>());
        thread.execute(this::pollQuietly);
        try {
            published.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        } finally {
            waiting.remove(saleOrRoom, published);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("catalogue not published this time, retrying in {}: {}", settings.pollInterval(), e.toString());
        }
    }

    /**
     * One round: availability that changed, then the sales not published yet, the smallest first,
     * each on its own so that one that fails (a record the broker refuses, a seat list the database
     * cannot give) is logged, counted and tried again next round while the others go on. The
     * availability of a sale that grew (stock or seats added) waits until the sale is out again: a
     * door that sees a sold-out item reopen then already knows its new seats.
     */
    void poll() {
        List<ItemAvailability> changed = changes.changedItems(source.availability());
        // Read after the availability (an addition the availability shows is counted here) and before
        // the sales (a sale read after its count is at least as new as the count).
        Map<SaleId, Long> additions = source.additions();
        List<ItemAvailability> held = changed.stream().filter(item -> grew(item.saleId(), additions)).toList();
        publishAvailability(changed.stream().filter(item -> !grew(item.saleId(), additions)).toList());
        List<SaleDefined> sales = new ArrayList<>();
        for (SaleId saleId : changes.unpublishedSales(source.saleIds(), source.controlledSales(), additions)) {
            source.sale(saleId).ifPresent(sales::add);
        }
        // Small sales first, so that a sale just created is not held behind a large one's chunks.
        sales.sort(Comparator.comparingLong(CatalogRelay::seats));
        int chunkBudget = settings.seatChunksPerPoll();
        for (SaleDefined sale : sales) {
            // With the budget spent, a sale whose chunks are all out is still published.
            try {
                chunkBudget -= publish(sale, additions.getOrDefault(sale.saleId(), 0L), chunkBudget);
            } catch (RuntimeException e) {
                failed(sale.saleId(), "sale", e);
            }
        }
        if (!held.isEmpty()) {
            // Those of grown sales now out again; the others wait for their sale's next round.
            publishAvailability(held.stream().filter(item -> !grew(item.saleId(), additions)).toList());
        }
        publishRooms();
        waiting.forEach((saleOrRoom, future) -> {
            boolean published = switch (saleOrRoom) {
                case SaleId saleId -> changes.isPublished(saleId) && !grew(saleId, additions);
                case RoomId roomId -> changes.isPublished(roomId);
                default -> false;
            };
            if (published) {
                future.complete(null);
            }
        });
    }

    /**
     * Rooms created or changed since they were last published, each on its own as sales are: a room
     * that fails is counted ({@code record="room"}) and tried again next round.
     */
    private void publishRooms() {
        for (RoomId roomId : changes.unpublishedRooms(source.roomVersions())) {
            try {
                source.room(roomId).ifPresent(versioned -> {
                    acknowledged(template.send(admissionTopics.rooms(), versioned.room().key(), versioned.room()));
                    changes.roomPublished(roomId, versioned.version());
                });
            } catch (RuntimeException e) {
                failures.increment("room");
                log.warn("room {} not published, retrying next poll: {}", roomId, rootCause(e));
            }
        }
    }

    /** Whether the sale had stock or seats added since it was last published. */
    private boolean grew(SaleId saleId, Map<SaleId, Long> additions) {
        return changes.grew(saleId, additions.getOrDefault(saleId, 0L));
    }

    /** Sends the changed items at once, then records those the broker acknowledged. */
    private void publishAvailability(List<ItemAvailability> items) {
        List<CompletableFuture<?>> sent = new ArrayList<>(items.size());
        for (ItemAvailability item : items) {
            sent.add(template.send(topics.availability(), item.key(), item));
        }
        for (int i = 0; i < items.size(); i++) {
            try {
                acknowledged(sent.get(i));
                changes.itemPublished(items.get(i));
            } catch (RuntimeException e) {
                failures.increment("availability");
                log.warn("availability of {} not published, retrying next poll: {}", items.get(i).key(), e.toString());
            }
        }
    }

    /**
     * Publishes up to {@code budget} of the sale's unpublished seat chunks and, once every chunk is
     * on the topic, the sale itself. Chunks are read and sent one at a time (the producer serialises
     * each as it is sent), so a sale of ten million seats never sits in this process's memory.
     *
     * @return the number of chunks sent
     */
    private int publish(SaleDefined sale, long additions, int budget) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        int index = 0;
        boolean complete = true;
        // Published before and published again (paused, resumed or closed): its chunks are all out
        // already, unless stock or seats were added since (then all go out again, as at creation).
        boolean again = changes.isPublished(sale.saleId()) && !changes.grew(sale.saleId(), additions);
        for (ItemDefinition item : again ? List.<ItemDefinition>of() : sale.items()) {
            for (int chunk = 0; chunk < item.seatChunks(); chunk++, index++) {
                if (changes.isChunkPublished(sale.saleId(), index)) {
                    continue;
                }
                if (sent.size() == budget) {
                    complete = false;
                    break;
                }
                SeatChunk seats = source.seatChunk(sale.saleId(), item, chunk);
                sent.add(template.send(topics.seats(), seats.key(), seats));
                indexes.add(index);
            }
        }
        RuntimeException failure = null;
        for (int i = 0; i < sent.size(); i++) {
            try {
                acknowledged(sent.get(i));
                changes.chunkPublished(sale.saleId(), indexes.get(i));
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (complete) {
            acknowledged(template.send(topics.sales(), sale.key(), sale));
            changes.salePublished(sale.saleId(), CatalogChanges.control(sale.doorPaused(), sale.doorClosed()), additions);
        }
        return sent.size();
    }

    private void failed(SaleId saleId, String what, RuntimeException e) {
        failures.increment(what);
        int inARow = changes.saleFailed(saleId);
        // Every time at first, then at 2, 4, 8… failures in a row: a sale that keeps failing must
        // not flood the log four times a second.
        if (Integer.bitCount(inARow) == 1) {
            log.warn("sale {} not published ({} attempts in a row), retrying next poll; other sales go on: {}",
                    saleId, inARow, rootCause(e));
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? e.toString() : e.getMessage() + ": " + cause;
    }

    private static long seats(SaleDefined sale) {
        return sale.items().stream().mapToLong(item -> item.seatChunks() == 0 ? 0 : item.total()).sum();
    }

    private void acknowledged(CompletableFuture<?> send) {
        try {
            send.get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not acknowledge the catalogue", e);
        }
    }

    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        if (template.getProducerFactory() instanceof DisposableBean producers) {
            producers.destroy();
        }
    }
}
