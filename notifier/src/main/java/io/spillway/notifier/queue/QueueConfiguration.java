package io.spillway.notifier.queue;

import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierProperties;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The queue model and what keeps it current. */
@Configuration(proxyBeanMethods = false)
class QueueConfiguration {

    @Bean
    QueueModel queueModel() {
        return new QueueModel();
    }

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
