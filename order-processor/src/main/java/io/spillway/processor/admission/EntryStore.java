package io.spillway.processor.admission;

import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryRequested;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.LeaveRequested;
import io.spillway.contract.admission.RoomId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One poll of {@code orders.entries} in one transaction: each room's {@code room_lines} row is locked
 * (the admission step's fence, in room order so that two transactions never wait on each other in a
 * circle), new entries go into {@code room_entries} with their line once the room is drawn (else none
 * yet), leaves end the admission they name, and the events ({@link EntryWaiting}, {@link AdmissionEnded}
 * {@code LEFT}) go to {@code admission_outbox}. A repeat of an entry (a redelivery, a second tab) is
 * the same entry and changes nothing; a leave whose {@code jti} is not the entry's admission, or whose
 * admission ended, changes nothing.
 *
 * <p>Limits: a command for a room that is not in {@code rooms} cannot be put in any line: it is
 * answered as a dead letter by the caller.
 */
final class EntryStore {

    /** An entry or leave and its record's place. */
    record EntryCommandAt(io.spillway.contract.admission.EntryCommand command, int partition, long offset) {}

    /** What a poll stored: the events to publish, the commands of unknown rooms, the rooms whose admissions ended. */
    record Stored(
            List<AdmissionOutbox.Row> outbox, List<EntryCommandAt> unknownRoom, Set<RoomId> freed, int entries, int left) {}

    private record Room(long nextLine, boolean drawn, Instant opensAt) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final AdmissionOutbox outbox;

    EntryStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, AdmissionOutbox outbox) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.outbox = outbox;
    }

    Stored store(List<EntryCommandAt> commands, Instant now) {
        if (commands.isEmpty()) {
            return new Stored(List.of(), List.of(), Set.of(), 0, 0);
        }
        return transactions.execute(status -> storeInTransaction(commands, now));
    }

    private Stored storeInTransaction(List<EntryCommandAt> commands, Instant now) {
        String[] roomIds = commands.stream()
                .map(c -> c.command().roomId().value())
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
                .toArray(String[]::new);
        jdbc.update("""
                INSERT INTO room_lines (room_id) SELECT room_id FROM rooms WHERE room_id = ANY (?::varchar[])
                ON CONFLICT DO NOTHING""", (Object) roomIds);
        Map<String, Room> rooms = new HashMap<>();
        jdbc.query("""
                SELECT l.room_id, l.next_line, l.drawn_at IS NOT NULL AS drawn, r.opens_at
                  FROM room_lines l JOIN rooms r ON r.room_id = l.room_id
                 WHERE l.room_id = ANY (?::varchar[])
                 ORDER BY l.room_id
                   FOR UPDATE OF l""",
                rs -> {
                    rooms.put(rs.getString("room_id"), new Room(rs.getLong("next_line"), rs.getBoolean("drawn"),
                            rs.getObject("opens_at", OffsetDateTime.class).toInstant()));
                },
                (Object) roomIds);

        List<EntryCommandAt> unknown = new ArrayList<>();
        Map<EntryId, EntryCommandAt> entries = new LinkedHashMap<>();
        List<LeaveRequested> leaves = new ArrayList<>();
        for (EntryCommandAt at : commands) {
            if (!rooms.containsKey(at.command().roomId().value())) {
                unknown.add(at);
            } else if (at.command() instanceof EntryRequested entry) {
                entries.putIfAbsent(entry.entryId(), at);
            } else {
                leaves.add((LeaveRequested) at.command());
            }
        }
        List<AdmissionEvent> events = new ArrayList<>();
        int stored = storeEntries(entries, rooms, now, events);
        int before = events.size();
        Set<RoomId> freed = endLeaves(leaves, now, events);
        return new Stored(outbox.insert(events), unknown, freed, stored, events.size() - before);
    }

    private int storeEntries(Map<EntryId, EntryCommandAt> entries, Map<String, Room> rooms, Instant now,
            List<AdmissionEvent> events) {
        if (entries.isEmpty()) {
            return 0;
        }
        Set<UUID> known = new HashSet<>(jdbc.queryForList(
                "SELECT entry_id FROM room_entries WHERE entry_id = ANY (?::uuid[])", UUID.class,
                (Object) entries.keySet().stream().map(EntryId::toString).toArray(String[]::new)));
        Map<String, Long> nextLines = new HashMap<>();
        List<EntryCommandAt> fresh = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        for (EntryCommandAt at : entries.values()) {
            EntryRequested entry = (EntryRequested) at.command();
            if (known.contains(entry.entryId().value())) {
                continue;
            }
            String roomId = entry.roomId().value();
            Room room = rooms.get(roomId);
            Long line = null;
            if (room.drawn()) {
                // After the draw an entry's place is its arrival: the next line number.
                line = nextLines.getOrDefault(roomId, room.nextLine());
                nextLines.put(roomId, line + 1);
            }
            boolean prequeue = entry.acceptedAt().isBefore(room.opensAt());
            fresh.add(at);
            lines.add(line);
            events.add(new EntryWaiting(AdmissionEvent.SCHEMA_VERSION, entry.entryId(), entry.roomId(), line, prequeue,
                    room.opensAt(), now));
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        int n = fresh.size();
        String[] ids = new String[n];
        String[] roomIds = new String[n];
        String[] customers = new String[n];
        String[] accepted = new String[n];
        Boolean[] prequeue = new Boolean[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        for (int i = 0; i < n; i++) {
            EntryRequested entry = (EntryRequested) fresh.get(i).command();
            ids[i] = entry.entryId().toString();
            roomIds[i] = entry.roomId().value();
            customers[i] = entry.customerId().value();
            accepted[i] = entry.acceptedAt().toString();
            prequeue[i] = entry.acceptedAt().isBefore(rooms.get(roomIds[i]).opensAt());
            partitions[i] = fresh.get(i).partition();
            offsets[i] = fresh.get(i).offset();
        }
        jdbc.update("""
                INSERT INTO room_entries (entry_id, room_id, customer_id, accepted_at, prequeue, source_partition,
                                          source_offset, line)
                SELECT * FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::boolean[], ?::int[],
                                     ?::bigint[], ?::bigint[])
                ON CONFLICT DO NOTHING""",
                ids, roomIds, customers, accepted, prequeue, partitions, offsets, lines.toArray(Long[]::new));
        nextLines.forEach((roomId, next) -> jdbc.update(
                "UPDATE room_lines SET next_line = ?, version = version + 1 WHERE room_id = ?", next, roomId));
        return n;
    }

    private Set<RoomId> endLeaves(List<LeaveRequested> leaves, Instant now, List<AdmissionEvent> events) {
        if (leaves.isEmpty()) {
            return Set.of();
        }
        Set<RoomId> freed = new HashSet<>();
        jdbc.query("""
                UPDATE room_entries e SET ended_at = ?::timestamptz, end_reason = 'LEFT'
                  FROM unnest(?::uuid[], ?::varchar[], ?::uuid[]) AS c (entry_id, room_id, jti)
                 WHERE e.entry_id = c.entry_id AND e.room_id = c.room_id AND e.jti = c.jti AND e.ended_at IS NULL
                RETURNING e.entry_id, e.room_id, e.jti""",
                rs -> {
                    RoomId room = RoomId.of(rs.getString("room_id"));
                    freed.add(room);
                    events.add(new AdmissionEnded(AdmissionEvent.SCHEMA_VERSION,
                            new EntryId(rs.getObject("entry_id", UUID.class)), room, rs.getObject("jti", UUID.class),
                            AdmissionEnded.Reason.LEFT, now));
                },
                now.toString(),
                leaves.stream().map(l -> l.entryId().toString()).toArray(String[]::new),
                leaves.stream().map(l -> l.roomId().value()).toArray(String[]::new),
                leaves.stream().map(l -> l.jti().toString()).toArray(String[]::new));
        return freed;
    }
}
