package io.spillway.processor.orders;

import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link RefusedPublicationScenario} with the default: each poll decided while the previous one is acknowledged. */
class RefusedPublicationIT extends RefusedPublicationScenario {

    private static final Topics TOPICS = SharedInfrastructure.createdOrderTopics();
    private static final SharedInfrastructure.TestDatabase DATABASE = SharedInfrastructure.newDatabase();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infrastructure(registry, TOPICS, DATABASE, "order-processor-" + UUID.randomUUID(), true);
    }
}
