package io.spillway.contract.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson.MalformedEventException;
import io.spillway.contract.OpeningOrder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AdmissionJsonTest {

    private static final RoomId ROOM = RoomId.of("shop-1");
    private static final CustomerId CUSTOMER = CustomerId.of("c-1");
    private static final Instant AT = Instant.parse("2026-12-07T09:00:00Z");

    @Test
    void every_admission_record_reads_back_as_written() {
        RoomDefined room = new RoomDefined(RoomDefined.SCHEMA_VERSION, ROOM, "Shop", AT, AT.minusSeconds(600),
                OpeningOrder.SHUFFLED, 600, 50, 900, URI.create("https://shop.example/checkout"), true, null);
        assertThat(AdmissionJson.readRoom(AdmissionJson.writeRoom(room))).isEqualTo(room);

        EntryId entry = EntryId.of(ROOM, CUSTOMER);
        List<EntryCommand> commands = List.of(
                EntryRequested.of(ROOM, CUSTOMER, AT),
                new LeaveRequested(EntryCommand.SCHEMA_VERSION, entry, ROOM, UUID.randomUUID(), AT));
        for (EntryCommand command : commands) {
            assertThat(AdmissionJson.readCommand(AdmissionJson.writeCommand(command))).isEqualTo(command);
        }

        List<AdmissionEvent> events = List.of(
                new EntryWaiting(1, entry, ROOM, null, true, AT, AT),
                new EntryWaiting(1, entry, ROOM, 7L, false, AT, AT),
                new EntryAdmitted(1, entry, ROOM, CUSTOMER, 7, UUID.randomUUID(), "a.b.c", AT.plusSeconds(900),
                        URI.create("https://shop.example/checkout?spillway_token=a.b.c"), AT),
                new EntryClosed(1, entry, ROOM, AT),
                new AdmissionEnded(1, entry, ROOM, UUID.randomUUID(), AdmissionEnded.Reason.LEFT, AT),
                new RoomProgress(1, ROOM, 3, 10, 2, 3, 600, 50, true, AT));
        for (AdmissionEvent event : events) {
            assertThat(AdmissionJson.readEvent(AdmissionJson.writeEvent(event))).isEqualTo(event);
        }
    }

    @Test
    void an_entry_is_one_per_customer_and_room() {
        assertThat(EntryId.of(ROOM, CUSTOMER)).isEqualTo(EntryId.of(RoomId.of("shop-1"), CustomerId.of("c-1")));
        assertThat(EntryId.of(ROOM, CUSTOMER)).isNotEqualTo(EntryId.of(RoomId.of("shop-2"), CUSTOMER));
        assertThatThrownBy(() -> new EntryRequested(1, EntryId.of(RoomId.of("shop-2"), CUSTOMER), ROOM, CUSTOMER, AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_unknown_type_or_version_is_refused() {
        assertThatThrownBy(() -> AdmissionJson.readEvent(
                        "{\"type\":\"Nope\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class);
        byte[] v2 = new String(AdmissionJson.writeCommand(EntryRequested.of(ROOM, CUSTOMER, AT)), StandardCharsets.UTF_8)
                .replace("\"schemaVersion\":1", "\"schemaVersion\":2").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AdmissionJson.readCommand(v2)).isInstanceOf(MalformedEventException.class);
    }
}
