package io.spillway.inventory.dlq;

import java.util.Optional;

/**
 * A dead letter's id: {@code <topic>-<partition>-<offset>} of its record in {@code orders.dlq}. The
 * topic may itself hold dashes; the last two parts are read from the right.
 */
record DlqId(String topic, int partition, long offset) {

    static Optional<DlqId> parse(String text) {
        if (text == null || text.length() > 300) {
            return Optional.empty();
        }
        int last = text.lastIndexOf('-');
        int middle = last > 0 ? text.lastIndexOf('-', last - 1) : -1;
        if (middle < 1) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(text.substring(middle + 1, last));
            long offset = Long.parseLong(text.substring(last + 1));
            if (partition < 0 || offset < 0) {
                return Optional.empty();
            }
            return Optional.of(new DlqId(text.substring(0, middle), partition, offset));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "-" + offset;
    }
}
