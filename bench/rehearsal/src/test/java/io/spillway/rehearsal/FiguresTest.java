package io.spillway.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void percentiles_are_nearest_rank() {
        List<Long> values = List.of(5L, 1L, 4L, 2L, 3L, 6L, 7L, 8L, 9L, 10L);

        assertThat(Figures.percentile(values, 50)).isEqualTo(5);
        assertThat(Figures.percentile(values, 99)).isEqualTo(10);
        assertThat(Figures.percentile(values, 0)).isEqualTo(1);
        assertThat(Figures.max(values)).isEqualTo(10);
        assertThat(Figures.percentile(List.<Long>of(), 50)).isNaN();
    }

    @Test
    void times_are_counted_in_their_second_and_those_outside_are_left_out() {
        assertThat(Figures.perSecond(List.of(0L, 999L, 1000L, 2500L, -1L, 3000L), 3)).containsExactly(2, 1, 1);
    }

    @Test
    void an_interval_is_open_at_the_end_of_each_second_it_spans_and_an_unclosed_one_to_the_end() {
        int[] open = Figures.openAtEachSecond(List.of(new long[] {500, 2500}, new long[] {1500, -1}, new long[] {100, 900}), 4);

        assertThat(open).containsExactly(1, 2, 1, 1);
    }

    @Test
    void the_peak_is_taken_within_the_window_only() {
        int[] perSecond = {9, 1, 5, 3, 8};

        assertThat(Figures.peak(perSecond, 1, 4)).isEqualTo(5);
        assertThat(Figures.peak(perSecond, 3, 99)).isEqualTo(8);
        assertThat(Figures.peak(perSecond, 4, 2)).isZero();
    }

    @Test
    void the_drain_rate_counts_decisions_over_the_time_from_the_opening_to_the_last() {
        assertThat(Figures.drainRate(List.of(11_000L, 12_000L, 14_000L, 12_500L), 10_000)).isEqualTo(1.0);
        assertThat(Figures.drainRate(List.of(), 10_000)).isZero();
    }

    @Test
    void a_position_that_grows_is_the_line_moving_back() {
        assertThat(Figures.wentUp(List.of(40L, 30L, 30L, 2L))).isFalse();
        assertThat(Figures.wentUp(List.of(40L, 30L, 31L))).isTrue();
        assertThat(Figures.wentUp(List.of())).isFalse();
    }

    @Test
    void cpu_seconds_come_from_clock_ticks() {
        assertThat(Figures.cpuSeconds(250, 1250, 100)).isEqualTo(10.0);
    }

    @Test
    void a_stat_line_is_split_after_a_command_name_holding_spaces_and_parentheses() {
        String[] fields = Figures.statFields("1234 (java (x) y) S 1 1234 1234 0 -1 4194304 10 0 0 0 700 300 5 6 20 0");

        assertThat(fields[0]).isEqualTo("S");
        assertThat(fields[1]).isEqualTo("1");
        assertThat(fields[11]).isEqualTo("700");
        assertThat(fields[14]).isEqualTo("6");
    }
}
