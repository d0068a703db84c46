package io.spillway.contract.admission;

import io.spillway.contract.EventJson.MalformedEventException;
import io.spillway.contract.VersionedJson;

/**
 * The one JSON form of the admission records, with the rules of every Spillway value: unknown
 * fields are ignored, a missing field, an unknown {@code type} or {@code schemaVersion} is refused
 * with {@link MalformedEventException}.
 */
public final class AdmissionJson {

    private static final VersionedJson<RoomDefined> ROOMS = new VersionedJson<>(RoomDefined.class);
    private static final VersionedJson<EntryCommand> COMMANDS = new VersionedJson<>(EntryCommand.class);
    private static final VersionedJson<AdmissionEvent> EVENTS = new VersionedJson<>(AdmissionEvent.class);

    private AdmissionJson() {}

    public static byte[] writeRoom(RoomDefined room) {
        return ROOMS.write(room);
    }

    public static RoomDefined readRoom(byte[] json) {
        return ROOMS.read(json, RoomDefined.class);
    }

    public static byte[] writeCommand(EntryCommand command) {
        return COMMANDS.write(command);
    }

    public static EntryCommand readCommand(byte[] json) {
        return COMMANDS.read(json, EntryCommand.class);
    }

    public static byte[] writeEvent(AdmissionEvent event) {
        return EVENTS.write(event);
    }

    public static AdmissionEvent readEvent(byte[] json) {
        return EVENTS.read(json, AdmissionEvent.class);
    }
}
