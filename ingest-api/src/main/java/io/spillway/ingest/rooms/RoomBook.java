package io.spillway.ingest.rooms;

import io.spillway.contract.admission.RoomDefined;
import io.spillway.contract.admission.RoomId;
import io.spillway.ingest.catalog.SaleBook;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The door's view of the rooms: the latest {@link RoomDefined} of each, fed by the catalogue view
 * from the compacted rooms topic, and the door's answer to an entry from it, without a database call.
 * The checks come in a sale's order: unknown, not open yet, closed, paused.
 *
 * <p>Limits: as current as the rooms topic, which inventory-service's relay keeps within a poll
 * (250 ms) of the database; an entry accepted just after a pause or close is still put in line, and
 * the admitter, which reads the database, admits nobody from a paused or closed room.
 */
public final class RoomBook {

    private final Map<RoomId, RoomDefined> rooms = new ConcurrentHashMap<>();

    public void define(RoomDefined room) {
        rooms.put(room.roomId(), room);
    }

    public void forget(RoomId roomId) {
        rooms.remove(roomId);
    }

    public int size() {
        return rooms.size();
    }

    /** The door's answer to an entry into {@code roomId} at {@code now}. */
    RoomVerdict check(RoomId roomId, Instant now) {
        RoomDefined room = rooms.get(roomId);
        if (room == null) {
            return new RoomVerdict.Refuse(RoomVerdict.Reason.UNKNOWN, null);
        }
        if (now.isBefore(room.doorOpensAt())) {
            return new RoomVerdict.Refuse(RoomVerdict.Reason.NOT_OPEN, Duration.between(now, room.doorOpensAt()));
        }
        if (room.doorClosed()) {
            return new RoomVerdict.Refuse(RoomVerdict.Reason.CLOSED, null);
        }
        if (room.doorPaused()) {
            return new RoomVerdict.Refuse(RoomVerdict.Reason.PAUSED, SaleBook.PAUSED_RETRY_AFTER);
        }
        return new RoomVerdict.Pass(room);
    }
}
