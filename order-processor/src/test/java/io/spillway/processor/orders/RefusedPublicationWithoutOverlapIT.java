package io.spillway.processor.orders;

import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link RefusedPublicationScenario} with {@code overlap-publish=false}: each poll acknowledged before the next. */
class RefusedPublicationWithoutOverlapIT extends RefusedPublicationScenario {

    private static final Topics TOPICS = SharedInfrastructure.createdOrderTopics();
    private static final SharedInfrastructure.TestDatabase DATABASE = SharedInfrastructure.newDatabase();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infrastructure(registry, TOPICS, DATABASE, "order-processor-" + UUID.randomUUID(), false);
    }
}
