package io.spillway.ingest.orders;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when the heap is too full to take more orders: the last garbage collection left more than
 * {@code shed-above-heap-share} of the maximum heap in use. The in-flight limit bounds what waits for
 * the broker by an estimate of its size; this gate is the check on the estimate and on whatever else
 * grows under a stall (connections, the producer's buffer), so that the door answers 503 instead of
 * running out of heap. It reads the heap only after collections (the JVM's notifications), never on
 * a request's path: a request reads one volatile field.
 *
 * <p>A verdict is trusted for {@code trust} after the collection that gave it: under load the heap
 * is collected far more often than that, and a door left idle after a spike must not refuse its
 * next orders for as long as no collection happens to say the heap is fine again.
 *
 * <p>Only a collection that collected the old generation can say the heap is full (a full
 * collection, or a mixed one: the old generation shrank); a young collection can only say it is
 * fine. After a young collection the heap in use still holds the old generation's garbage, which
 * only those free: judged by it, the gate shed most orders of a healthy door under 6,000
 * connections at a 256 MB heap (docs/benchmarks/ingest.md). When the live data really grows, the
 * collector starts marking and mixed collections, and they say so. A collector without generations
 * (ZGC) gives a verdict after every collection.
 *
 * <p>Limits: between two old collections the gate keeps the last verdict for {@code trust} at most,
 * then lets orders in until the next one; the threshold is of the whole heap, not of one pool.
 */
final class HeapGate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeapGate.class);

    private final double shedAbove;
    private final long trustNanos;
    private final LongSupplier nanoTime;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private volatile Verdict last = new Verdict(false, 0, 0);

    private record Verdict(boolean full, double share, long atNanos) {}

    HeapGate(double shedAbove, Duration trust, LongSupplier nanoTime) {
        this.shedAbove = shedAbove;
        this.trustNanos = trust.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A gate fed by this JVM's garbage collections. */
    static HeapGate listening(double shedAbove, Duration trust) {
        HeapGate gate = new HeapGate(shedAbove, trust, System::nanoTime);
        long max = Runtime.getRuntime().maxMemory();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        NotificationListener listener = (notification, handback) -> gate.onNotification(notification, heapPools, max);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                gate.unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (ListenerNotFoundException ignored) {
                        // Gone already.
                    }
                });
            }
        }
        return gate;
    }

    private void onNotification(Notification notification, Set<String> heapPools, long max) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        Map<String, MemoryUsage> before = info.getGcInfo().getMemoryUsageBeforeGc();
        Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
        long used = 0;
        for (String pool : heapPools) {
            MemoryUsage usage = after.get(pool);
            used += usage == null ? 0 : usage.getUsed();
        }
        if (collectedOld(info.getGcAction(), before, after, heapPools)) {
            afterCollection(used, max);
        } else {
            afterYoungCollection(used, max);
        }
    }

    /**
     * What a young collection left. It overstates what is live (the old generation's garbage is still
     * counted), so it can say the heap is fine, never that it is full.
     */
    void afterYoungCollection(long used, long max) {
        if ((double) used / max <= shedAbove) {
            afterCollection(used, max);
        }
    }

    /**
     * Whether the collection collected the old generation: a full ("major") collection, one in which
     * the old generation shrank (G1's mixed collections, a reclaimed humongous object), or any
     * collection of a collector without an old generation.
     */
    static boolean collectedOld(
            String action, Map<String, MemoryUsage> before, Map<String, MemoryUsage> after, Set<String> heapPools) {
        if (action.contains("major") || heapPools.stream().noneMatch(HeapGate::isOld)) {
            return true;
        }
        for (String pool : heapPools) {
            MemoryUsage was = before.get(pool);
            MemoryUsage is = after.get(pool);
            if (isOld(pool) && was != null && is != null && is.getUsed() < was.getUsed()) {
                return true;
            }
        }
        return false;
    }

    /** The pool of a generational collector that holds what survived young collections. */
    private static boolean isOld(String pool) {
        return pool.contains("Old") || pool.contains("Tenured");
    }

    /** What a collection left: {@code used} bytes of a heap of at most {@code max}. */
    void afterCollection(long used, long max) {
        double share = (double) used / max;
        boolean full = share > shedAbove;
        Verdict before = last;
        last = new Verdict(full, share, nanoTime.getAsLong());
        if (full != before.full()) {
            if (full) {
                log.warn("heap {}% in use after a collection (above {}%): orders are answered 503 until it falls",
                        Math.round(share * 100), Math.round(shedAbove * 100));
            } else {
                log.info("heap {}% in use after a collection: taking orders again", Math.round(share * 100));
            }
        }
    }

    /** True while orders must be answered 503 to keep the heap from running out. */
    boolean full() {
        Verdict verdict = last;
        return verdict.full() && nanoTime.getAsLong() - verdict.atNanos() < trustNanos;
    }

    @Override
    public void close() {
        unsubscribe.forEach(Runnable::run);
    }
}
