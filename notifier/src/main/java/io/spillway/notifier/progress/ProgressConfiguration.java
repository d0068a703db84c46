package io.spillway.notifier.progress;

import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.queue.QueueModel;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** How far the processor got, read from the broker and handed to the queue model. */
@Configuration(proxyBeanMethods = false)
class ProgressConfiguration {

    /** One admin client for the instance, on the same connection settings as Spring's KafkaAdmin. */
    @Bean(destroyMethod = "close")
    Admin processorProgressAdmin(KafkaAdmin kafkaAdmin) {
        return Admin.create(kafkaAdmin.getConfigurationProperties());
    }

    @Bean
    ProcessorProgress processorProgress(
            Admin processorProgressAdmin, QueueModel queueModel, Topics topics, NotifierProperties settings) {
        return new ProcessorProgress(processorProgressAdmin, queueModel, topics, settings);
    }
}
