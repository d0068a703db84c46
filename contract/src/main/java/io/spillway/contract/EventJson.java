package io.spillway.contract;

/**
 * The one JSON form of the events. Readers accept fields they do not know (a newer writer may add
 * some) but refuse a missing or invalid field, an unknown {@code type} and an unknown
 * {@code schemaVersion} with {@link MalformedEventException}.
 */
public final class EventJson {

    private static final VersionedJson<OrderEvent> JSON = new VersionedJson<>(OrderEvent.class);

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
