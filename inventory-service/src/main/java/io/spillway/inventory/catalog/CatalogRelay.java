package io.spillway.inventory.catalog;

import io.spillway.contract.CatalogRecord;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleId;
import io.spillway.contract.Topics;
import java.time.Duration;
import java.util.ArrayList;
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
 * Publishes the catalogue's current state from PostgreSQL to the compacted topics {@code sales} and
 * {@code items.availability}, which ingest-api reads to answer at the door without a database call.
 *
 * <p>Why a poll and not a send when a sale is created: a database write followed by a Kafka send is
 * a dual write (either can happen without the other), and the processor, which changes
 * availability, would have to publish from its hot path. Polling the state and publishing it is
 * idempotent instead: a record lost, repeated or published by two instances at once is corrected by
 * the next poll, and the lag is bounded by the poll interval. It cannot publish a state that was
 * never committed, and it publishes only the latest state, never each step.
 *
 * <p>One thread does all the work; a poll that fails (database or broker away) is logged and the
 * next one starts over from what the broker acknowledged.
 */
public final class CatalogRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CatalogRelay.class);

    private final CatalogSource source;
    private final KafkaTemplate<String, CatalogRecord> template;
    private final Topics topics;
    private final CatalogProperties settings;
    private final CatalogChanges changes = new CatalogChanges();
    private final Map<SaleId, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;

    CatalogRelay(
            CatalogSource source, KafkaTemplate<String, CatalogRecord> template, Topics topics,
            CatalogProperties settings) {
        this.source = source;
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
     * Asks for a poll now and waits, at most {@code created-sale-wait}, until the sale is published.
     * Used after a sale is created, so that its 201 usually means the door already knows it; false
     * if not yet (the relay keeps trying).
     */
    public boolean awaitPublished(SaleId saleId) {
        Duration wait = settings.createdSaleWait();
        CompletableFuture<Void> published = waiting.computeIfAbsent(saleId, id -> new CompletableFuture<>());
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
            waiting.remove(saleId, published);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("catalogue not published this time, retrying in {}: {}", settings.pollInterval(), e.toString());
        }
    }

    /** One round: what is not published yet or changed, sent and waited for. */
    void poll() {
        List<SaleDefined> sales = new ArrayList<>();
        for (SaleId saleId : changes.unpublishedSales(source.saleIds())) {
            source.sale(saleId).ifPresent(sales::add);
        }
        List<ItemAvailability> items = changes.changedItems(source.availability());
        // Sales first: a reader that sees an item's availability can then usually place it.
        for (SaleDefined sale : sales) {
            acknowledged(template.send(topics.sales(), sale.key(), sale));
            changes.salePublished(sale.saleId());
        }
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (ItemAvailability item : items) {
            sent.add(template.send(topics.availability(), item.key(), item));
        }
        for (int i = 0; i < items.size(); i++) {
            acknowledged(sent.get(i));
            changes.itemPublished(items.get(i));
        }
        waiting.forEach((saleId, future) -> {
            if (changes.isPublished(saleId)) {
                future.complete(null);
            }
        });
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
