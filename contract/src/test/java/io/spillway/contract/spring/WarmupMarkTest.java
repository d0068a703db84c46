package io.spillway.contract.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmupMarkTest {

    @Test
    void onlyItsOwnValueMatches() {
        WarmupMark mark = new WarmupMark();
        assertThat(mark.matches(mark.value())).isTrue();
        assertThat(mark.matches(new WarmupMark().value())).as("another process's mark").isFalse();
        assertThat(mark.matches(null)).isFalse();
        assertThat(mark.matches("")).isFalse();
        assertThat(mark.matches("1")).isFalse();
        assertThat(mark.value()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void itsValueIsNeverInItsText() {
        WarmupMark mark = new WarmupMark();
        assertThat(mark.toString()).doesNotContain(mark.value()).contains(WarmupMark.HEADER);
    }
}
