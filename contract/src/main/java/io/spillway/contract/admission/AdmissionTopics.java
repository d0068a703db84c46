package io.spillway.contract.admission;

import io.spillway.contract.Topics;

/**
 * The admission topics, named after the order topics so that a test's own {@link Topics} (with a
 * suffix) gets its own admission topics too; there is nothing to configure.
 *
 * @param rooms compacted, keyed {@code roomId}: each room's {@link RoomDefined}, by inventory-service;
 *     {@code sales.rooms} beside {@code sales}
 * @param entries door → admitter, keyed {@code roomId}: {@link EntryCommand}s, a room's line in one
 *     partition; {@code orders.entries}
 * @param admissions admitter → notifier (and anyone auditing), keyed by entry id or room id:
 *     {@link AdmissionEvent}s; {@code orders.admissions}
 * @param partitions of {@code entries} and {@code admissions}: as many as {@code orders.requested}
 */
public record AdmissionTopics(String rooms, String entries, String admissions, int partitions) {

    public static AdmissionTopics of(Topics topics) {
        return new AdmissionTopics(topics.sales() + ".rooms", Topics.siblingOf(topics.requested(), "entries"),
                Topics.siblingOf(topics.requested(), "admissions"), topics.partitions());
    }
}
