package io.spillway.inventory.rooms;

import io.spillway.contract.Draw;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.admission.RoomId;
import io.spillway.inventory.audit.AuditLog;
import io.spillway.inventory.rooms.RoomView.DrawView;
import io.spillway.inventory.sales.rules.OpeningState;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code rooms} table: created, its rates changed, paused, resumed and closed here, each with its
 * audit entry in the same transaction, and each bumping {@code version} so that the catalogue relay
 * publishes the room again (the door's view) within a poll. The admitter reads the rates from this
 * table at every step, so a change applies there without waiting for Kafka.
 *
 * <p>"The room exists" is the primary key's to decide: of two concurrent creations, the second insert
 * waits for the first and fails on the key.
 */
@Service
class RoomStore {

    static final int LIST_LIMIT = 200;

    private static final String COLUMNS = "room_id, name, opens_at, prequeue_opens_at, opening_order, admit_per_minute,"
            + " max_active, session_seconds, checkout_url, paused, closed_at, draw_seed, draw_revealed_at";

    private final JdbcTemplate jdbc;
    private final AuditLog audit;

    RoomStore(JdbcTemplate jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Creates the room with a new draw seed; throws {@link RoomExistsException} if the id is taken. */
    @Transactional
    RoomView create(NewRoom room) {
        try {
            jdbc.update("""
                    INSERT INTO rooms (room_id, name, opens_at, prequeue_opens_at, opening_order, draw_seed,
                                       admit_per_minute, max_active, session_seconds, checkout_url)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    room.roomId().value(), room.name(), Timestamp.from(room.opening().opensAt()),
                    room.opening().prequeueOpensAt() == null ? null : Timestamp.from(room.opening().prequeueOpensAt()),
                    room.opening().openingOrder().name(), Draw.newSeed(), room.admitPerMinute(), room.maxActive(),
                    room.sessionSeconds(), room.checkoutUrl().toString());
        } catch (DuplicateKeyException e) {
            throw new RoomExistsException(room.roomId());
        }
        RoomView view = find(room.roomId()).orElseThrow();
        audit.record("room.create", target(room.roomId()), null, view);
        return view;
    }

    Optional<RoomView> find(RoomId roomId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM rooms WHERE room_id = ?", RoomStore::view, roomId.value())
                .stream().findFirst();
    }

    /** The newest {@link #LIST_LIMIT} rooms, newest first. */
    List<RoomView> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM rooms ORDER BY created_at DESC, room_id LIMIT " + LIST_LIMIT,
                RoomStore::view);
    }

    /** @return the room after the change; empty for an unknown room, which nothing changed */
    @Transactional
    Optional<RoomView> changeRates(RoomId roomId, RateChange change) {
        Optional<RoomView> before = locked(roomId);
        if (before.isEmpty()) {
            return before;
        }
        jdbc.update("""
                UPDATE rooms SET admit_per_minute = coalesce(?, admit_per_minute), max_active = coalesce(?, max_active),
                                 version = version + 1
                 WHERE room_id = ?""",
                change.admitPerMinute(), change.maxActive(), roomId.value());
        RoomView after = find(roomId).orElseThrow();
        audit.record("room.rates", target(roomId), rates(before.get()), rates(after));
        return Optional.of(after);
    }

    /** Pausing an already paused room (or resuming an open one) changes nothing and is still audited. */
    @Transactional
    Optional<RoomView> setPaused(RoomId roomId, boolean paused) {
        // The column, not the view's state: a closed room shows CLOSED whether paused or not.
        List<Boolean> before = jdbc.query("SELECT paused FROM rooms WHERE room_id = ? FOR UPDATE",
                (row, i) -> row.getBoolean(1), roomId.value());
        if (before.isEmpty()) {
            return Optional.empty();
        }
        jdbc.update("UPDATE rooms SET paused = ?, version = version + 1 WHERE room_id = ?", paused, roomId.value());
        audit.record(paused ? "room.pause" : "room.resume", target(roomId),
                Map.of("paused", before.getFirst()), Map.of("paused", paused));
        return find(roomId);
    }

    /** Closes the room once: {@code closed_at} is set to now and never moved. */
    @Transactional
    Optional<RoomView> close(RoomId roomId) {
        Optional<RoomView> before = locked(roomId);
        if (before.isEmpty()) {
            return before;
        }
        jdbc.update("UPDATE rooms SET closed_at = coalesce(closed_at, now()), version = version + 1 WHERE room_id = ?",
                roomId.value());
        RoomView after = find(roomId).orElseThrow();
        Map<String, Object> was = new HashMap<>();
        was.put("closedAt", before.get().closedAt() == null ? null : before.get().closedAt().toString());
        audit.record("room.close", target(roomId), was, Map.of("closedAt", after.closedAt().toString()));
        return Optional.of(after);
    }

    private Optional<RoomView> locked(RoomId roomId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM rooms WHERE room_id = ? FOR UPDATE", RoomStore::view, roomId.value())
                .stream().findFirst();
    }

    private static Map<String, Integer> rates(RoomView room) {
        return Map.of("admitPerMinute", room.admitPerMinute(), "maxActive", room.maxActive());
    }

    static String target(RoomId roomId) {
        return "/api/v1/rooms/" + roomId.value();
    }

    private static RoomView view(ResultSet row, int n) throws SQLException {
        Instant opensAt = instant(row, "opens_at");
        Instant prequeueOpensAt = instant(row, "prequeue_opens_at");
        Instant closedAt = instant(row, "closed_at");
        byte[] seed = row.getBytes("draw_seed");
        boolean revealed = row.getTimestamp("draw_revealed_at") != null;
        return new RoomView(row.getString("room_id"), row.getString("name"),
                OpeningState.at(Instant.now(), prequeueOpensAt, opensAt, row.getBoolean("paused"), closedAt != null),
                opensAt, prequeueOpensAt, OpeningOrder.valueOf(row.getString("opening_order")),
                row.getInt("admit_per_minute"), row.getInt("max_active"), row.getInt("session_seconds"),
                URI.create(row.getString("checkout_url")), closedAt,
                new DrawView(Draw.commitment(seed), revealed ? Draw.hex(seed) : null));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp timestamp = row.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
