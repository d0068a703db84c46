package io.spillway.notifier.entries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.admission.EntryId;
import io.spillway.notifier.orders.EventIds;
import io.spillway.notifier.orders.EventStream;
import io.spillway.notifier.orders.EventStream.Frame;
import io.spillway.notifier.orders.EventStream.Kind;
import java.util.Locale;

/**
 * An entry's events on the order streams' engine ({@link EventStream}): {@code waiting} (paced, as
 * {@code queued} is), then {@code admitted} or {@code closed}, terminal, with the id
 * {@link EventIds#terminal} of the admitter's time, the same on every connection and instance. One
 * road: the admissions view, which every instance holds whole.
 */
record EntryStory(EntryViews views, ObjectMapper json) implements EventStream.Story<EntryId, EntryStatus> {

    @Override
    public long queueVersion() {
        return views.view().version();
    }

    @Override
    public EntryStatus stored(EntryId entryId) {
        return views.view().entry(entryId).orElse(null);
    }

    @Override
    public EntryStatus merge(EntryStatus current, EntryStatus update) {
        return EntryStatus.merge(current, update);
    }

    @Override
    public int rank(EntryStatus status) {
        return status.rank();
    }

    @Override
    public boolean isTerminal(EntryStatus status) {
        return status.isTerminal();
    }

    @Override
    public Frame render(EntryId entryId, EntryStatus known) {
        EntryView view = views.render(entryId, known);
        String data = write(view);
        if (known != null && known.isTerminal()) {
            return new Frame(Kind.TERMINAL, known.state().name().toLowerCase(Locale.ROOT), data,
                    EventIds.terminal(known.updatedAt()));
        }
        return Frame.waiting("waiting", data);
    }

    /** The orders' delivery metric is for decisions; an admission's lag is measured by the benchmark's client. */
    @Override
    public boolean timesDelivery() {
        return false;
    }

    private String write(EntryView view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + view, e);
        }
    }
}
