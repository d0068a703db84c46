package io.spillway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.testing.InfrastructureChoice.Source;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class InfrastructureChoiceTest {

    private final AtomicInteger probes = new AtomicInteger();

    private BooleanSupplier docker(boolean available) {
        return () -> {
            probes.incrementAndGet();
            return available;
        };
    }

    @Test
    void withADockerEngineTheTestsGetContainers() {
        InfrastructureChoice choice = InfrastructureChoice.choose(null, null, docker(true));

        assertThat(choice.source()).isEqualTo(Source.CONTAINER);
        assertThat(choice.reason()).isEqualTo("a Docker engine is available");
        assertThat(probes).hasValue(1);
    }

    @Test
    void withoutADockerEngineTheTestsGetTheEmbeddedServers() {
        InfrastructureChoice choice = InfrastructureChoice.choose(null, "auto", docker(false));

        assertThat(choice.source()).isEqualTo(Source.EMBEDDED);
        assertThat(choice.reason()).isEqualTo("no Docker engine is available");
    }

    @Test
    void theOverrideForcesEitherPathWithoutAskingDocker() {
        assertThat(InfrastructureChoice.choose(null, "embedded", docker(true)).source()).isEqualTo(Source.EMBEDDED);
        assertThat(InfrastructureChoice.choose(null, " Containers ", docker(false)).source())
                .isEqualTo(Source.CONTAINER);
        assertThat(probes).hasValue(0);
    }

    @Test
    void anAddressGivenFromOutsideWinsOverTheOverrideAndDocker() {
        InfrastructureChoice choice = InfrastructureChoice.choose(" 127.0.0.1:19092 ", "containers", docker(true));

        assertThat(choice.source()).isEqualTo(Source.EXTERNAL);
        assertThat(choice.address()).isEqualTo("127.0.0.1:19092");
        assertThat(probes).hasValue(0);
    }

    @Test
    void anUnsetMavenVariableOrABlankIsNoAddress() {
        assertThat(InfrastructureChoice.choose("${env.SPILLWAY_TEST_KAFKA}", "${env.SPILLWAY_TEST_INFRASTRUCTURE}",
                                docker(false))
                        .source())
                .isEqualTo(Source.EMBEDDED);
        assertThat(InfrastructureChoice.choose("  ", "", docker(true)).source()).isEqualTo(Source.CONTAINER);
    }

    @Test
    void anUnknownOverrideIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> InfrastructureChoice.choose(null, "docker", docker(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("containers, embedded or auto");
    }
}
