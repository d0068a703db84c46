package io.spillway.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NotifierSamplerTest {

    private static final String PROMETHEUS = """
            # HELP spillway_notifier_streams_open open event streams
            spillway_notifier_streams_open 1234.0
            spillway_notifier_streams_opened_total 99.0
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1000.0
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 500.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 7000.0
            """;

    @Test
    void a_metric_is_summed_over_the_samples_whose_labels_match_and_no_longer_name_is_taken_for_it() {
        assertThat(NotifierSampler.sum(PROMETHEUS, "spillway_notifier_streams_open", "")).isEqualTo(1234.0);
        assertThat(NotifierSampler.sum(PROMETHEUS, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(1500.0);
    }
}
