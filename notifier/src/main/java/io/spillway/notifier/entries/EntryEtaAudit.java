package io.spillway.notifier.entries;

import io.spillway.contract.admission.RoomProgress;
import io.spillway.notifier.queue.EtaAudit;

/**
 * The orders' ETA audit ({@link EtaAudit}) applied to rooms: each entry's ETA as of its waiting
 * event (computed at the event's own time, with the room's progress known then), against the time
 * its {@code EntryAdmitted} says it was admitted. A line is a room, a place its line number. An
 * entry closed without admission is not measured. Plain Java; the view calls it on its one writer
 * thread, the gauge from another, hence the lock.
 */
final class EntryEtaAudit implements EntryAudit {

    private final EtaAudit audit;

    EntryEtaAudit(EtaAudit.EtaErrors errors) {
        this.audit = new EtaAudit(errors);
    }

    @Override
    public synchronized void changed(EntryStatus previous, EntryStatus status, RoomProgress room) {
        switch (status.state()) {
            case WAITING -> {
                if (status.line() != null) {
                    EntryEta.Estimate estimate = EntryEta.estimate(status.line(), status.opensAt(), room, status.updatedAt());
                    if (estimate.etaSeconds() != null) {
                        audit.given(status.roomId(), status.line(), estimate.etaSeconds(), status.updatedAt().toEpochMilli());
                    }
                }
            }
            case ADMITTED -> {
                if (status.line() != null) {
                    audit.resolved(status.roomId(), status.line(), status.updatedAt().toEpochMilli());
                }
            }
            case CLOSED -> {
                if (previous != null && previous.line() != null) {
                    audit.dropped(status.roomId(), previous.line());
                }
            }
        }
    }

    @Override
    public void progressed(RoomProgress room) {}

    synchronized int audited() {
        return audit.tracked();
    }
}
