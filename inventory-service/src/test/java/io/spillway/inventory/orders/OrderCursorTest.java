package io.spillway.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The cursor round-trips to the microsecond and refuses what it did not make; CSV fields quote as RFC 4180 says. */
class OrderCursorTest {

    @Test
    void aCursorReadsBackAsTheSameKeyset() {
        for (Instant decided : new Instant[] {Instant.parse("2026-12-24T09:00:00.123456Z"), Instant.parse("1969-12-31T23:59:59.999999Z")}) {
            OrderCursor cursor = new OrderCursor(decided, UUID.randomUUID());

            assertThat(OrderCursor.decode(cursor.encode())).contains(cursor);
        }
    }

    @Test
    void somethingElseIsNoCursor() {
        for (String text : new String[] {"", "not base64!", "MTIz", "eDpub3QtYS11dWlk", "x".repeat(101)}) {
            assertThat(OrderCursor.decode(text)).as(text).isEmpty();
        }
    }

    @Test
    void fieldsAreQuotedOnlyWhenTheyMustBeAndFormulasAreDefused() throws Exception {
        StringWriter out = new StringWriter();
        for (String field : new String[] {"plain", "a,b", "say \"hi\"", "-1+1", "=cmd", null}) {
            Csv.field(out, field);
            out.write('|');
        }
        assertThat(out).hasToString("plain|\"a,b\"|\"say \"\"hi\"\"\"|\"'-1+1\"|\"'=cmd\"||");
    }
}
