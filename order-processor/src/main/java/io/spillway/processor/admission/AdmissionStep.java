package io.spillway.processor.admission;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import io.spillway.processor.OpeningProperties;
import io.spillway.processor.ProcessorProperties;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The admission step of one room, in one transaction behind the room's fence
 * ({@code SELECT … FROM room_lines … FOR UPDATE}): whoever else believes it owns the room (a second
 * instance during a rebalance, a zombie after {@code kill -9}) steps it before or after, never at the
 * same time, and every count is read inside the lock.
 *
 * <ol>
 *   <li>The draw, once, when the room opened at least {@link OpeningProperties#settle()} ago and its line
 *       has read everything appended until then ({@link RoomDraw}); the seed is revealed with it.
 *   <li>Admissions whose {@code expires_at} passed end ({@link AdmissionEnded} {@code EXPIRED}).
 *   <li>A closed room closes every waiting entry ({@link EntryClosed}); a paused one admits nobody.
 *   <li>Otherwise {@link AdmissionBudget} says how many; that many waiting entries are admitted in line
 *       order, each with a new {@code jti} and a signed token ({@code iat} now, {@code exp} now +
 *       {@code sessionSeconds}, cut to whole seconds, never after {@code expires_at}).
 *   <li>A {@link RoomProgress} when anything the readers see changed, and at least every
 *       {@code progress-interval} while anyone waits.
 * </ol>
 *
 * <p>The events go to {@code admission_outbox} in the same transaction and are published after the
 * commit; a room's leftovers are published before its next step decides anything.
 *
 * <p>Limits: at most {@code batch} admissions per step; a room drawn with more waiting entries than
 * memory holds is not supported (the draw is made in memory, some 100 bytes an entry).
 */
final class AdmissionStep {

    /** Whether the room's line has read every record appended until an instant. */
    interface Watermark {
        boolean seenThrough(Instant instant);
    }

    /** What one step did, and the events it committed (not yet published). */
    record Outcome(List<AdmissionOutbox.Row> outbox, int drawn, int admitted, int expired, int closed, int waiting,
            boolean full) {}

    private record Room(
            RoomId roomId, long nextLine, long admittedThrough, boolean drawn, Instant opensAt, OpeningOrder order,
            byte[] seed, int admitPerMinute, int maxActive, int sessionSeconds, String checkoutUrl, boolean paused,
            boolean closed) {}

    private record Shown(long admittedThrough, long lineLength, int active, int admitPerMinute, int maxActive,
            boolean opened, Instant at) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final AdmissionOutbox outbox;
    private final AdmissionTokens tokens;
    private final OpeningProperties opening;
    private final ProcessorProperties.Admission settings;
    private final Clock clock;
    /** The last progress this instance committed per room: when a new one is due. */
    private final Map<RoomId, Shown> shown = new ConcurrentHashMap<>();

    AdmissionStep(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactionManager,
            AdmissionOutbox outbox,
            AdmissionTokens tokens,
            OpeningProperties opening,
            ProcessorProperties settings,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.outbox = outbox;
        this.tokens = tokens;
        this.opening = opening;
        this.settings = settings.admission();
        this.clock = clock;
    }

    /** Publishes the room's leftovers, steps it, publishes what the step decided. */
    Outcome run(RoomId room, Watermark watermark) {
        outbox.publish(outbox.leftOver(room.value(), settings.batch() * 4));
        Outcome outcome = decide(room, watermark);
        outbox.publish(outcome.outbox());
        return outcome;
    }

    /** The step's transaction alone, committed and not published: what a crash right after the commit leaves. */
    Outcome decide(RoomId room, Watermark watermark) {
        Shown[] progress = new Shown[1];
        Outcome outcome = transactions.execute(status -> step(room, watermark, progress));
        if (progress[0] != null) {
            shown.put(room, progress[0]);
        }
        return outcome;
    }

    /** The rooms with something to do: open, or closed with entries still waiting or admitted. */
    List<RoomId> rooms() {
        return jdbc.queryForList("""
                SELECT l.room_id FROM room_lines l JOIN rooms r ON r.room_id = l.room_id
                 WHERE r.closed_at IS NULL
                    OR EXISTS (SELECT 1 FROM room_entries e WHERE e.room_id = l.room_id AND e.admitted_at IS NOT NULL
                                  AND e.ended_at IS NULL)
                    OR EXISTS (SELECT 1 FROM room_entries e WHERE e.room_id = l.room_id AND e.admitted_at IS NULL
                                  AND e.closed_at IS NULL)""", String.class)
                .stream().map(RoomId::of).toList();
    }

    private Outcome step(RoomId roomId, Watermark watermark, Shown[] progress) {
        List<Room> locked = jdbc.query("""
                SELECT l.next_line, l.admitted_through, l.drawn_at IS NOT NULL AS drawn, r.*
                  FROM room_lines l JOIN rooms r ON r.room_id = l.room_id
                 WHERE l.room_id = ?
                   FOR UPDATE OF l""",
                (rs, i) -> room(roomId, rs), roomId.value());
        if (locked.isEmpty()) {
            return new Outcome(List.of(), 0, 0, 0, 0, 0, false);
        }
        Room room = locked.get(0);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<AdmissionEvent> events = new ArrayList<>();
        long nextLine = room.nextLine();
        long admittedThrough = room.admittedThrough();
        boolean drawn = room.drawn();

        int placed = 0;
        Instant settled = room.opensAt().plus(opening.settle());
        if (!drawn && !room.closed() && !now.isBefore(settled) && watermark.seenThrough(settled)) {
            placed = draw(room, now, events);
            nextLine += placed;
            drawn = true;
        }

        int expired = jdbc.query("""
                UPDATE room_entries SET ended_at = ?::timestamptz, end_reason = 'EXPIRED'
                 WHERE room_id = ? AND admitted_at IS NOT NULL AND ended_at IS NULL AND expires_at <= ?::timestamptz
                RETURNING entry_id, jti""",
                (rs, i) -> events.add(new AdmissionEnded(AdmissionEvent.SCHEMA_VERSION,
                        new EntryId(rs.getObject("entry_id", UUID.class)), roomId, rs.getObject("jti", UUID.class),
                        AdmissionEnded.Reason.EXPIRED, now)),
                now.toString(), roomId.value(), now.toString()).size();

        int closed = 0;
        if (room.closed()) {
            closed = jdbc.query("""
                    UPDATE room_entries SET closed_at = ?::timestamptz
                     WHERE room_id = ? AND admitted_at IS NULL AND closed_at IS NULL
                    RETURNING entry_id""",
                    (rs, i) -> events.add(new EntryClosed(AdmissionEvent.SCHEMA_VERSION,
                            new EntryId(rs.getObject("entry_id", UUID.class)), roomId, now)),
                    now.toString(), roomId.value()).size();
            admittedThrough = nextLine - 1;
        }

        Map<String, Object> counts = jdbc.queryForMap("""
                SELECT count(*) FILTER (WHERE ended_at IS NULL) AS active,
                       count(*) FILTER (WHERE admitted_at > ?::timestamptz) AS last_minute
                  FROM room_entries
                 WHERE room_id = ? AND admitted_at IS NOT NULL AND (ended_at IS NULL OR admitted_at > ?::timestamptz)""",
                now.minus(AdmissionBudget.MINUTE).toString(), roomId.value(), now.minus(AdmissionBudget.MINUTE).toString());
        int active = ((Number) counts.get("active")).intValue();
        int lastMinute = ((Number) counts.get("last_minute")).intValue();
        boolean opened = drawn && !room.paused() && !room.closed() && !now.isBefore(room.opensAt());

        int admitted = 0;
        boolean full = false;
        if (opened && nextLine - 1 > admittedThrough) {
            List<Instant> times = room.admitPerMinute() == 0 ? List.of() : jdbc.query("""
                    SELECT admitted_at FROM room_entries
                     WHERE room_id = ? AND admitted_at > ?::timestamptz ORDER BY admitted_at DESC""",
                    (rs, i) -> rs.getObject("admitted_at", OffsetDateTime.class).toInstant(),
                    roomId.value(), now.minus(AdmissionBudget.MINUTE).toString());
            int waitingInLine = (int) Math.min(settings.batch(), nextLine - 1 - admittedThrough);
            int n = AdmissionBudget.admissible(new AdmissionBudget.Rates(room.admitPerMinute(), room.maxActive()),
                    active, times, waitingInLine, now);
            if (n > 0) {
                long last = admit(room, n, now, events);
                admitted = n;
                admittedThrough = Math.max(admittedThrough, last);
                active += n;
                lastMinute += n;
                full = n == settings.batch();
            }
        }

        long waiting = nextLine - 1 - admittedThrough;
        if (!drawn && !room.closed()) {
            Integer unplaced = jdbc.queryForObject(
                    "SELECT count(*) FROM room_entries WHERE room_id = ? AND line IS NULL AND closed_at IS NULL",
                    Integer.class, roomId.value());
            waiting += unplaced == null ? 0 : unplaced;
        }
        if (placed > 0 || admitted > 0 || closed > 0 || room.closed()) {
            jdbc.update("UPDATE room_lines SET admitted_through = ?, version = version + 1 WHERE room_id = ?"
                            + " AND admitted_through <> ?",
                    admittedThrough, roomId.value(), admittedThrough);
        }

        Shown now_ = new Shown(admittedThrough, nextLine - 1, active, room.admitPerMinute(), room.maxActive(), opened, now);
        Shown before = shown.get(roomId);
        boolean changed = before == null || !sameProgress(before, now_);
        boolean due = before != null && waiting > 0
                && !now.isBefore(before.at().plus(settings.progressInterval()));
        if (changed || due) {
            events.add(new RoomProgress(AdmissionEvent.SCHEMA_VERSION, roomId, admittedThrough, nextLine - 1, active,
                    lastMinute, room.admitPerMinute(), room.maxActive(), opened, now));
            progress[0] = now_;
        }
        return new Outcome(outbox.insert(events), placed, admitted, expired, closed, (int) Math.min(waiting, Integer.MAX_VALUE),
                full);
    }

    private static boolean sameProgress(Shown a, Shown b) {
        return a.admittedThrough() == b.admittedThrough() && a.lineLength() == b.lineLength() && a.active() == b.active()
                && a.admitPerMinute() == b.admitPerMinute() && a.maxActive() == b.maxActive()
                && a.opened() == b.opened();
    }

    /** Gives every entry without a place its line: the pre-queue by the draw, then the rest by arrival. */
    private int draw(Room room, Instant now, List<AdmissionEvent> events) {
        Map<EntryId, Boolean> prequeue = new HashMap<>();
        List<RoomDraw.Unplaced> unplaced = jdbc.query("""
                SELECT entry_id, prequeue FROM room_entries
                 WHERE room_id = ? AND line IS NULL AND closed_at IS NULL
                 ORDER BY source_partition, source_offset""",
                (rs, i) -> {
                    RoomDraw.Unplaced entry = new RoomDraw.Unplaced(new EntryId(rs.getObject("entry_id", UUID.class)),
                            rs.getBoolean("prequeue"));
                    prequeue.put(entry.entryId(), entry.prequeue());
                    return entry;
                },
                room.roomId().value());
        List<EntryId> placed = RoomDraw.order(unplaced, room.order(), room.seed());
        long line = room.nextLine();
        Long[] lines = new Long[placed.size()];
        for (int i = 0; i < placed.size(); i++) {
            lines[i] = line + i;
            events.add(new EntryWaiting(AdmissionEvent.SCHEMA_VERSION, placed.get(i), room.roomId(), lines[i],
                    prequeue.get(placed.get(i)), room.opensAt(), now));
        }
        if (!placed.isEmpty()) {
            jdbc.update("""
                    UPDATE room_entries e SET line = c.line
                      FROM unnest(?::uuid[], ?::bigint[]) AS c (entry_id, line)
                     WHERE e.entry_id = c.entry_id""",
                    placed.stream().map(EntryId::toString).toArray(String[]::new), lines);
        }
        jdbc.update("UPDATE room_lines SET next_line = ?, drawn_at = ?::timestamptz, version = version + 1 WHERE room_id = ?",
                line + placed.size(), now.toString(), room.roomId().value());
        // The places are fixed: the seed can be shown, and anyone can check them.
        jdbc.update("UPDATE rooms SET draw_revealed_at = ?::timestamptz WHERE room_id = ? AND draw_revealed_at IS NULL",
                now.toString(), room.roomId().value());
        return placed.size();
    }

    /** Admits the first {@code n} waiting entries in line order; answers the last line admitted. */
    private long admit(Room room, int n, Instant now, List<AdmissionEvent> events) {
        record Next(EntryId entryId, CustomerId customerId, long line) {}
        List<Next> next = jdbc.query("""
                SELECT entry_id, customer_id, line FROM room_entries
                 WHERE room_id = ? AND line IS NOT NULL AND admitted_at IS NULL AND closed_at IS NULL
                 ORDER BY line LIMIT ?""",
                (rs, i) -> new Next(new EntryId(rs.getObject("entry_id", UUID.class)),
                        CustomerId.of(rs.getString("customer_id")), rs.getLong("line")),
                room.roomId().value(), n);
        Instant expires = now.plusSeconds(room.sessionSeconds());
        int size = next.size();
        String[] ids = new String[size];
        String[] jtis = new String[size];
        String[] signed = new String[size];
        long last = 0;
        for (int i = 0; i < size; i++) {
            Next entry = next.get(i);
            UUID jti = UUID.randomUUID();
            String token = tokens.sign(new AdmissionTokens.Claims(entry.customerId(), room.roomId(), jti, now, expires));
            ids[i] = entry.entryId().toString();
            jtis[i] = jti.toString();
            signed[i] = token;
            last = Math.max(last, entry.line());
            events.add(new EntryAdmitted(AdmissionEvent.SCHEMA_VERSION, entry.entryId(), room.roomId(),
                    entry.customerId(), entry.line(), jti, token, expires, url(room.checkoutUrl(), token), now));
        }
        int updated = jdbc.update("""
                UPDATE room_entries e SET admitted_at = ?::timestamptz, expires_at = ?::timestamptz, jti = c.jti,
                       token = c.token
                  FROM unnest(?::uuid[], ?::uuid[], ?::text[]) AS c (entry_id, jti, token)
                 WHERE e.entry_id = c.entry_id AND e.admitted_at IS NULL""",
                now.toString(), expires.toString(), ids, jtis, signed);
        if (updated != size) {
            // Impossible behind the fence; if it happens, nothing of the step is kept.
            throw new IllegalStateException("admitted " + updated + " of " + size + " entries of " + room.roomId());
        }
        return last;
    }

    /** The room's checkout URL with the token as {@code spillway_token}. */
    static URI url(String checkoutUrl, String token) {
        return UriComponentsBuilder.fromUriString(checkoutUrl)
                .queryParam("spillway_token", token)
                .build()
                .toUri();
    }

    private static Room room(RoomId roomId, ResultSet rs) throws SQLException {
        return new Room(
                roomId,
                rs.getLong("next_line"),
                rs.getLong("admitted_through"),
                rs.getBoolean("drawn"),
                rs.getObject("opens_at", OffsetDateTime.class).toInstant(),
                OpeningOrder.valueOf(rs.getString("opening_order")),
                rs.getBytes("draw_seed"),
                rs.getInt("admit_per_minute"),
                rs.getInt("max_active"),
                rs.getInt("session_seconds"),
                rs.getString("checkout_url"),
                rs.getBoolean("paused"),
                rs.getObject("closed_at") != null);
    }
}
