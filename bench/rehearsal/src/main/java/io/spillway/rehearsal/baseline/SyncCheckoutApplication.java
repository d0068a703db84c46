package io.spillway.rehearsal.baseline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The design Spillway replaces, for the sale-day rehearsal only (docs/benchmarks/rehearsal.md): a
 * synchronous checkout as teams write it first, after the common flash-sale examples. One endpoint
 * decides the order inside the request, in one JPA transaction on the item's row, guarded by an
 * {@code @Version} optimistic lock and retried a few times when another buyer won the race.
 *
 * <p>It is deliberately not improved: every improvement (a queue, a line per item, batching) is a
 * step towards Spillway, and the rehearsal measures the starting point.
 *
 * <p>Limits: one item row takes every buyer's update, so concurrent buyers conflict and retry; the
 * request holds a Tomcat thread and waits for one of Hikari's ten connections while it does.
 */
@SpringBootApplication
public class SyncCheckoutApplication {

    public static void main(String[] args) {
        SpringApplication.run(SyncCheckoutApplication.class, args);
    }
}
