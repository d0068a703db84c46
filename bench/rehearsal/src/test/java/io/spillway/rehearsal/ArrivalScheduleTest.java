package io.spillway.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    private final ArrivalSchedule schedule = new ArrivalSchedule(10, 3, 12, 0.15, 0.6);

    @Test
    void every_buyer_arrives_once_in_ascending_order_within_the_schedule() {
        List<Long> arrivals = schedule.arrivalsMillis(4000, 42);

        assertThat(arrivals).hasSize(4000).isSorted();
        assertThat(arrivals.getFirst()).isGreaterThanOrEqualTo(0);
        assertThat(arrivals.getLast()).isLessThanOrEqualTo(25_000);
    }

    @Test
    void the_phases_hold_their_shares_of_the_buyers() {
        List<Long> arrivals = schedule.arrivalsMillis(4000, 42);

        assertThat(arrivals.stream().filter(t -> t < 10_000).count()).isEqualTo(600);
        assertThat(arrivals.stream().filter(t -> t >= 10_000 && t <= 13_000).count()).isEqualTo(2400);
        assertThat(arrivals.stream().filter(t -> t > 13_000).count()).isEqualTo(1000);
    }

    @Test
    void the_ramp_grows_and_the_tail_decays() {
        int[] perSecond = Figures.perSecond(schedule.arrivalsMillis(20_000, 7), 25);

        assertThat(perSecond[1]).isLessThan(perSecond[8]);
        assertThat(perSecond[11]).isGreaterThan(perSecond[8]);
        assertThat(perSecond[14]).isGreaterThan(perSecond[23]);
    }

    @Test
    void the_same_seed_gives_the_same_schedule_and_another_seed_another() {
        assertThat(schedule.arrivalsMillis(1000, 1)).isEqualTo(schedule.arrivalsMillis(1000, 1))
                .isNotEqualTo(schedule.arrivalsMillis(1000, 2));
    }

    @Test
    void without_a_tail_the_spike_takes_everyone_after_the_ramp() {
        List<Long> arrivals = new ArrivalSchedule(5, 2, 0, 0.2, 0.5).arrivalsMillis(100, 3);

        assertThat(arrivals.stream().filter(t -> t >= 5000).count()).isEqualTo(80);
        assertThat(arrivals.getLast()).isLessThanOrEqualTo(7000);
    }

    @Test
    void shares_above_the_whole_are_refused() {
        assertThatThrownBy(() -> new ArrivalSchedule(10, 3, 12, 0.5, 0.6)).isInstanceOf(IllegalArgumentException.class);
    }
}
