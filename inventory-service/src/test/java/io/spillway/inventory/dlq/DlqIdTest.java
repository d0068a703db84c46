package io.spillway.inventory.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A dead letter's id reads its partition and offset from the right, so topics may hold dashes. */
class DlqIdTest {

    @Test
    void readsTopicsWithDashesAndDots() {
        assertThat(DlqId.parse("orders.dlq-0-42")).contains(new DlqId("orders.dlq", 0, 42));
        assertThat(DlqId.parse("orders.dlq-it-7.x-11-9")).contains(new DlqId("orders.dlq-it-7.x", 11, 9));
        assertThat(new DlqId("orders.dlq", 3, 5)).hasToString("orders.dlq-3-5");
    }

    @Test
    void refusesWhatIsNotAnId() {
        for (String text : new String[] {"", "orders.dlq", "orders.dlq-1", "-1-2", "orders.dlq-x-2", "orders.dlq-1--2",
                "orders.dlq-99999999999-1", "x".repeat(301)}) {
            assertThat(DlqId.parse(text)).as(text).isEmpty();
        }
    }
}
