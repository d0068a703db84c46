package io.spillway.notifier.status;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Whether this instance's global store can answer for every order: it has restored every
 * partition of the status topic up to the end offsets the topic had when the restore began (Kafka
 * Streams reads those end offsets first, then restores each partition to them, and calls this
 * listener at the start and the end of each partition, also when there was nothing to read).
 * From then on the global thread applies every change as it comes, and the store stays complete.
 *
 * <p>Once restored, it stays so: a later restore (Kafka Streams wipes and reloads the global store
 * after an offset reset) does not take the instance out of service, since the database fallback
 * answers for what the store lacks meanwhile.
 *
 * <p>Limits: the number of partitions is the status topic's as the caller knows it (looked up
 * once); a topic that gains partitions while the instance starts is seen as restored one
 * partition early.
 */
public final class StatusStoreReadiness implements StateRestoreListener {

    private final String store;
    private final Set<TopicPartition> restored = ConcurrentHashMap.newKeySet();
    private volatile boolean complete;

    public StatusStoreReadiness() {
        this(OrderStatusTopology.GLOBAL_STORE);
    }

    StatusStoreReadiness(String store) {
        this.store = store;
    }

    /** @param partitions the status topic's partition count */
    public boolean restored(int partitions) {
        if (!complete && partitions > 0 && restored.size() >= partitions) {
            complete = true;
        }
        return complete;
    }

    /** Partitions restored so far, for the health details. */
    public int partitionsRestored() {
        return restored.size();
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {}

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {}

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        if (store.equals(storeName)) {
            restored.add(partition);
        }
    }
}
