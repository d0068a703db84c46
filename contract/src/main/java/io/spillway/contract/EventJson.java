package io.spillway.contract;

/**
 * The one JSON form of the events. Readers accept fields they do not know (a newer writer may add
 * some) but refuse a missing or invalid field, an unknown {@code type} and an unknown
 * {@code schemaVersion} with {@link MalformedEventException}.
 */
public final class EventJson {

    private static final VersionedJson<OrderEvent> JSON = new VersionedJson<>(OrderEvent.class);
    private static final VersionedJson<OrderResult> RESULTS = new VersionedJson<>(OrderResult.class);
    private static final VersionedJson<OrderCommand> COMMANDS = new VersionedJson<>(OrderCommand.class);
    private static final VersionedJson<HoldOpened> HOLDS = new VersionedJson<>(HoldOpened.class);

    private EventJson() {}

    public static byte[] write(OrderEvent event) {
        return JSON.write(event);
    }

    public static OrderEvent read(byte[] json) {
        return read(json, OrderEvent.class);
    }

    public static <T extends OrderEvent> T read(byte[] json, Class<T> expected) {
        return JSON.read(json, expected);
    }

    /** A value of {@code orders.results}: a decision, the end of a hold or a refused payment. */
    public static byte[] writeResult(OrderResult result) {
        return RESULTS.write(result);
    }

    public static OrderResult readResult(byte[] json) {
        return RESULTS.read(json, OrderResult.class);
    }

    /** A value of {@code orders.commands}. */
    public static byte[] writeCommand(OrderCommand command) {
        return COMMANDS.write(command);
    }

    public static OrderCommand readCommand(byte[] json) {
        return COMMANDS.read(json, OrderCommand.class);
    }

    /** A value of {@code orders.holds}. */
    public static byte[] writeHold(HoldOpened hold) {
        return HOLDS.write(hold);
    }

    public static HoldOpened readHold(byte[] json) {
        return HOLDS.read(json, HoldOpened.class);
    }

    /** A record that cannot be read as an event or catalogue record of this schema. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }

        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
