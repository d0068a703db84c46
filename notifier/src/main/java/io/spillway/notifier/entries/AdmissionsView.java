package io.spillway.notifier.entries;

import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This instance's whole view of the admissions topic, in memory: the latest state of every entry
 * ({@link EntryStatus#merge}: waiting &lt; admitted / closed) and the latest {@link RoomProgress} of
 * every room (by {@code happenedAt}: a replayed older one changes nothing). Every notifier instance
 * reads the whole topic into its own view, so any instance answers for any entry and hears every
 * change (docs/notifier.md, "Entries: the admissions view").
 *
 * <p>One writer (the feed's thread), any number of readers. A room's progress moving bumps
 * {@link #version()}, so open streams render their position again.
 *
 * <p>Limits: bounded by the topic (every entry of its retention) less what {@link #forget} drops:
 * decided entries leave after the retention the feed gives them; a waiting entry stays until it is
 * decided. About 200 bytes of heap per waiting entry and 1 KiB per admitted one (its token), measured
 * in docs/benchmarks/admission.md. Room ids and opening times are shared between a room's entries.
 */
public final class AdmissionsView {

    private final Map<EntryId, EntryStatus> entries = new ConcurrentHashMap<>();
    private final Map<RoomId, RoomProgress> rooms = new ConcurrentHashMap<>();
    /** One instance per room id and per opening time: a room's entries share them. */
    private final Map<Object, Object> shared = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final EntryAudit audit;

    public AdmissionsView() {
        this(EntryAudit.NONE);
    }

    AdmissionsView(EntryAudit audit) {
        this.audit = audit;
    }

    /**
     * Takes in one event of the topic.
     *
     * @return the entry's new status when the event changed it; null otherwise (a repeat, a room's
     *     progress, an admission's end)
     */
    public EntryStatus apply(AdmissionEvent event) {
        if (event instanceof RoomProgress progress) {
            RoomProgress kept = rooms.merge(share(progress.roomId()), progress,
                    (current, update) -> update.happenedAt().isBefore(current.happenedAt()) ? current : update);
            if (kept == progress) {
                version.incrementAndGet();
                audit.progressed(progress);
            }
            return null;
        }
        EntryStatus update = EntryStatus.of(event);
        if (update == null) {
            return null;
        }
        EntryStatus lean = new EntryStatus(update.entryId(), share(update.roomId()), update.state(), update.line(),
                update.prequeue(), update.opensAt() == null ? null : share(update.opensAt()), update.admission(),
                update.updatedAt());
        EntryStatus[] changed = {null, null};
        entries.compute(lean.entryId(), (id, current) -> {
            EntryStatus merged = EntryStatus.merge(current, lean);
            if (merged != current) {
                changed[0] = current;
                changed[1] = merged;
            }
            return merged;
        });
        if (changed[1] != null) {
            audit.changed(changed[0], changed[1], rooms.get(changed[1].roomId()));
        }
        return changed[1];
    }

    /** A record that could not be read was passed over. */
    public void skipped() {
        skipped.incrementAndGet();
    }

    public long skippedRecords() {
        return skipped.get();
    }

    public Optional<EntryStatus> entry(EntryId entryId) {
        return Optional.ofNullable(entries.get(entryId));
    }

    /** The room's latest progress; null before any. */
    public RoomProgress room(RoomId roomId) {
        return rooms.get(roomId);
    }

    /** Grows whenever a room's line moved. */
    public long version() {
        return version.get();
    }

    public int entries() {
        return entries.size();
    }

    /** Drops the decided entries decided before {@code before}; returns how many. */
    public int forget(Instant before) {
        int[] dropped = {0};
        entries.values().removeIf(status -> {
            boolean old = status.isTerminal() && status.updatedAt().isBefore(before);
            if (old) {
                dropped[0]++;
            }
            return old;
        });
        return dropped[0];
    }

    @SuppressWarnings("unchecked")
    private <T> T share(T value) {
        return (T) shared.computeIfAbsent(value, v -> v);
    }
}
