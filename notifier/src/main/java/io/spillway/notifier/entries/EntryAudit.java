package io.spillway.notifier.entries;

import io.spillway.contract.admission.RoomProgress;

/** What the view tells the ETA audit: entries changing and rooms moving, in the feed's order. */
interface EntryAudit {

    EntryAudit NONE = new EntryAudit() {
        @Override
        public void changed(EntryStatus previous, EntryStatus status, RoomProgress room) {}

        @Override
        public void progressed(RoomProgress room) {}
    };

    /**
     * @param previous the entry's status before, null if it was not known
     * @param room the room's latest progress, null before any
     */
    void changed(EntryStatus previous, EntryStatus status, RoomProgress room);

    void progressed(RoomProgress room);
}
