package io.spillway.contract.admission;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.spillway.contract.CustomerId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One customer's place in one room. The id is a function of the room and the customer
 * ({@link #of(RoomId, CustomerId)}): one entry per customer per room without the door keeping any
 * state, so a retry, a second tab or a second door instance names the same entry, and the processor
 * keeps the first it reads. Knowing an entry id gives nothing: reading its status needs the access
 * token the door hands out, which needs the door's secret.
 */
public record EntryId(@JsonValue UUID value) {

    public EntryId {
        if (value == null) {
            throw new IllegalArgumentException("entryId is required");
        }
    }

    /** The entry of {@code customer} in {@code room}: a name-based UUID of both. */
    public static EntryId of(RoomId room, CustomerId customer) {
        // '/' cannot occur in a room id, so the name is unambiguous.
        String name = "spillway-entry/" + room.value() + "/" + customer.value();
        return new EntryId(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
    }

    @JsonCreator
    public static EntryId of(String value) {
        return new EntryId(UUID.fromString(value));
    }

    /** Whether {@code value} is a UUID in its canonical text form. */
    public static boolean isValid(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
