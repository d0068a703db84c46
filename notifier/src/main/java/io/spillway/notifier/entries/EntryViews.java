package io.spillway.notifier.entries;

import io.spillway.contract.admission.EntryId;
import java.time.Clock;
import java.time.Instant;

/** Turns what the admissions view knows of an entry and its room into the entry's {@link EntryView}. */
final class EntryViews {

    private final AdmissionsView view;
    private final Clock clock;

    EntryViews(AdmissionsView view, Clock clock) {
        this.view = view;
        this.clock = clock;
    }

    AdmissionsView view() {
        return view;
    }

    /** @param status null while the entry is not visible: it is then WAITING, place unknown */
    EntryView render(EntryId entryId, EntryStatus status) {
        if (status == null) {
            return new EntryView(entryId, null, EntryState.WAITING, new EntryView.Queue(null, null, 0, false), null, null);
        }
        EntryView.Queue queue = status.state() == EntryState.WAITING ? queue(status, clock.instant()) : null;
        return new EntryView(status.entryId(), status.roomId(), status.state(), queue, status.admission(),
                status.updatedAt());
    }

    private EntryView.Queue queue(EntryStatus status, Instant now) {
        EntryEta.Estimate estimate = EntryEta.estimate(status.line(), status.opensAt(), view.room(status.roomId()), now);
        return new EntryView.Queue(estimate.position(), estimate.etaSeconds(), estimate.confidence(), status.prequeue());
    }
}
