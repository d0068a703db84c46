package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyFingerprintsTest {

    private static PlaceOrder order(String key, String sku, int quantity, String... seats) {
        return new PlaceOrder(CustomerId.of("c"), key, SaleId.of("s"), Sku.of(sku), quantity,
                List.of(seats).stream().map(SeatId::of).toList());
    }

    @Test
    void theSameOrderUnderAKeyIsARetryAndAnotherIsNot() {
        BodyFingerprints fingerprints = new BodyFingerprints(100);

        assertThat(fingerprints.sameOrderAsBefore(order("k", "GA", 2))).isTrue();
        assertThat(fingerprints.sameOrderAsBefore(order("k", "GA", 2))).isTrue();
        assertThat(fingerprints.sameOrderAsBefore(order("k", "GA", 3))).isFalse();
        assertThat(fingerprints.sameOrderAsBefore(order("k", "VIP", 2))).isFalse();
        assertThat(fingerprints.sameOrderAsBefore(order("other", "GA", 3))).isTrue();
    }

    @Test
    void seatsAreComparedInFull() {
        BodyFingerprints fingerprints = new BodyFingerprints(100);

        assertThat(fingerprints.sameOrderAsBefore(order("k", "VIP", 2, "A-1", "A-2"))).isTrue();
        assertThat(fingerprints.sameOrderAsBefore(order("k", "VIP", 2, "A-1", "A-3"))).isFalse();
        assertThat(fingerprints.sameOrderAsBefore(order("k", "VIP", 2, "A-1", "A-2"))).isTrue();
    }

    @Test
    void aRecallRemembersNothingAndTellsARetryFromAnotherOrder() {
        BodyFingerprints fingerprints = new BodyFingerprints(100);
        PlaceOrder order = order("k", "GA", 2);
        BodyFingerprints.Fingerprint fingerprint = BodyFingerprints.Fingerprint.of(order);
        BodyFingerprints.Fingerprint other = BodyFingerprints.Fingerprint.of(order("k", "GA", 3));

        assertThat(fingerprints.recall(order.orderId(), fingerprint)).isEqualTo(BodyFingerprints.Recall.NEW);
        assertThat(fingerprints.recall(order.orderId(), fingerprint)).isEqualTo(BodyFingerprints.Recall.NEW);
        assertThat(fingerprints.remember(order.orderId(), fingerprint)).isTrue();
        assertThat(fingerprints.recall(order.orderId(), fingerprint)).isEqualTo(BodyFingerprints.Recall.SAME_ORDER);
        assertThat(fingerprints.recall(order.orderId(), other)).isEqualTo(BodyFingerprints.Recall.OTHER_ORDER);
        assertThat(fingerprints.remember(order.orderId(), other)).isFalse();
        assertThat(fingerprints.recall(order.orderId(), fingerprint)).isEqualTo(BodyFingerprints.Recall.SAME_ORDER);
    }
}
