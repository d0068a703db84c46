package io.spillway.ingest.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OpeningOrder;
import io.spillway.contract.admission.RoomDefined;
import io.spillway.contract.admission.RoomId;
import io.spillway.ingest.catalog.SaleBook;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RoomBookTest {

    private static final Instant PREQUEUE = Instant.parse("2026-11-27T08:30:00Z");
    private static final Instant OPENS = Instant.parse("2026-11-27T09:00:00Z");
    private static final RoomId ROOM = RoomId.of("r");

    private final RoomBook book = new RoomBook();

    @Test
    void anUnknownRoomIsRefusedAndAForgottenOneToo() {
        assertThat(book.check(ROOM, OPENS)).isEqualTo(new RoomVerdict.Refuse(RoomVerdict.Reason.UNKNOWN, null));
        book.define(room(null, null));
        book.forget(ROOM);
        assertThat(book.check(ROOM, OPENS)).isEqualTo(new RoomVerdict.Refuse(RoomVerdict.Reason.UNKNOWN, null));
    }

    @Test
    void entriesAreTakenFromThePrequeuesOpeningAndTheExactWaitIsGivenBefore() {
        book.define(room(null, null));

        assertThat(book.check(ROOM, PREQUEUE.minusSeconds(90)))
                .isEqualTo(new RoomVerdict.Refuse(RoomVerdict.Reason.NOT_OPEN, Duration.ofSeconds(90)));
        assertThat(book.check(ROOM, PREQUEUE)).isInstanceOf(RoomVerdict.Pass.class);
        assertThat(book.check(ROOM, OPENS.plusSeconds(3600))).isInstanceOf(RoomVerdict.Pass.class);
    }

    @Test
    void notOpenComesBeforeClosedAndClosedBeforePausedAsForASale() {
        book.define(room(true, OPENS));

        assertThat(book.check(ROOM, PREQUEUE.minusSeconds(1))).extracting(v -> ((RoomVerdict.Refuse) v).reason())
                .isEqualTo(RoomVerdict.Reason.NOT_OPEN);
        assertThat(book.check(ROOM, OPENS)).isEqualTo(new RoomVerdict.Refuse(RoomVerdict.Reason.CLOSED, null));
        book.define(room(true, null));
        assertThat(book.check(ROOM, OPENS))
                .isEqualTo(new RoomVerdict.Refuse(RoomVerdict.Reason.PAUSED, SaleBook.PAUSED_RETRY_AFTER));
        book.define(room(null, null));
        assertThat(book.check(ROOM, OPENS)).isInstanceOf(RoomVerdict.Pass.class);
    }

    private static RoomDefined room(Boolean paused, Instant closedAt) {
        return new RoomDefined(RoomDefined.SCHEMA_VERSION, ROOM, "Room", OPENS, PREQUEUE, OpeningOrder.SHUFFLED, 600, 50, 900,
                URI.create("https://shop.example/"), paused, closedAt);
    }
}
