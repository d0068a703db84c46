package io.spillway.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StatusStoreReadinessTest {

    private final StatusStoreReadiness readiness = new StatusStoreReadiness();

    @Test
    void notRestoredUntilEveryPartitionOfTheStatusTopicHasEndedItsRestore() {
        assertThat(readiness.restored(3)).isFalse();
        restore(0);
        restore(1);
        assertThat(readiness.restored(3)).isFalse();
        restore(2);
        assertThat(readiness.restored(3)).isTrue();
    }

    @Test
    void aPartitionWhoseRestoreOnlyStartedDoesNotCount() {
        readiness.onRestoreStart(new TopicPartition("status", 0), OrderStatusTopology.GLOBAL_STORE, 0, 10);
        assertThat(readiness.restored(1)).isFalse();
    }

    @Test
    void anotherStoresRestoreDoesNotCount() {
        readiness.onRestoreEnd(new TopicPartition("changelog", 0), OrderStatusTopology.STORE, 10);
        assertThat(readiness.restored(1)).isFalse();
    }

    @Test
    void anUnknownPartitionCountIsNeverRestored() {
        restore(0);
        assertThat(readiness.restored(0)).isFalse();
    }

    @Test
    void onceRestoredItStaysSo() {
        restore(0);
        assertThat(readiness.restored(1)).isTrue();
        // The topic was found to have more partitions later: the store already answered, and still does.
        assertThat(readiness.restored(4)).isTrue();
    }

    private void restore(int partition) {
        TopicPartition topicPartition = new TopicPartition("status", partition);
        readiness.onRestoreStart(topicPartition, OrderStatusTopology.GLOBAL_STORE, 0, 10);
        readiness.onRestoreEnd(topicPartition, OrderStatusTopology.GLOBAL_STORE, 10);
    }
}
