package io.spillway.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterIdTest {

    @Test
    void aClusterIdIsSixteenRandomBytesThatKafkaStorageTakesForAnArgument() {
        Set<String> ids = new HashSet<>();
        // One random id in 64 starts with '-'; 5,000 draws meet one with certainty short of 1e-34.
        for (int i = 0; i < 5_000; i++) {
            String id = KafkaBroker.newClusterId();
            assertThat(id).doesNotStartWith("-").hasSize(22);
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
            ids.add(id);
        }
        assertThat(ids).hasSize(5_000);
    }
}
