package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void queuedIdsIncreaseEvenWhenTheClockDoesNot() {
        long first = EventIds.nextQueued(EventIds.NONE, 1_000);
        long second = EventIds.nextQueued(first, 1_000);
        long afterClockStep = EventIds.nextQueued(second, 900);

        assertThat(first).isEqualTo(1_000);
        assertThat(second).isEqualTo(1_001);
        assertThat(afterClockStep).isEqualTo(1_002);
    }

    @Test
    void theTerminalIdIsAboveEveryQueuedIdAndTheSameOnEveryConnection() {
        Instant decidedAt = Instant.parse("2026-12-24T09:00:03.120Z");
        long queuedLongAfter = EventIds.nextQueued(EventIds.NONE, Instant.parse("2999-01-01T00:00:00Z").toEpochMilli());

        assertThat(EventIds.terminal(decidedAt)).isGreaterThan(queuedLongAfter).isEqualTo(EventIds.terminal(decidedAt));
        assertThat(EventIds.isTerminal(EventIds.terminal(decidedAt))).isTrue();
        assertThat(EventIds.isTerminal(queuedLongAfter)).isFalse();
    }

    @Test
    void aHeldConfirmationsIdIsAboveEveryDecisionAndBelowEveryEndAndIsNotTerminal() {
        Instant decidedAt = Instant.parse("2026-12-24T09:00:03.120Z");
        // Even an end whose clock reads earlier than the decision's is above it.
        Instant endedAt = decidedAt.minusSeconds(3600);

        long held = EventIds.held(decidedAt);
        assertThat(held).isGreaterThan(EventIds.terminal(Instant.parse("2999-01-01T00:00:00Z")));
        assertThat(EventIds.ended(endedAt)).isGreaterThan(EventIds.held(Instant.parse("2999-01-01T00:00:00Z")));
        assertThat(EventIds.isTerminal(held)).isFalse();
        assertThat(EventIds.isHeld(held)).isTrue();
        assertThat(EventIds.isTerminal(EventIds.ended(endedAt))).isTrue();
        assertThat(EventIds.isHeld(EventIds.ended(endedAt))).isFalse();
        assertThat(EventIds.parse(Long.toString(EventIds.ended(endedAt)))).isEqualTo(EventIds.ended(endedAt));
    }

    @Test
    void aLastEventIdThatIsNotOursIsIgnored() {
        assertThat(EventIds.parse(null)).isEqualTo(EventIds.NONE);
        assertThat(EventIds.parse("abc")).isEqualTo(EventIds.NONE);
        assertThat(EventIds.parse("-5")).isEqualTo(EventIds.NONE);
        assertThat(EventIds.parse("99999999999999999999999")).isEqualTo(EventIds.NONE);
        assertThat(EventIds.parse(" 42 ")).isEqualTo(42);
    }
}
