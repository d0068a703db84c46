package io.spillway.processor.publish;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link RefusedPublicationScenario} with the default: each poll decided while the previous one is acknowledged. */
class RefusedPublicationIT extends RefusedPublicationScenario {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infrastructure(registry, true);
    }
}
