package io.spillway.processor.publish;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link RefusedPublicationScenario} with {@code overlap-publish=false}: each poll acknowledged before the next. */
class RefusedPublicationWithoutOverlapIT extends RefusedPublicationScenario {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infrastructure(registry, false);
    }
}
