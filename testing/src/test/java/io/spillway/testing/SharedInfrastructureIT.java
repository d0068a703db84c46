package io.spillway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class SharedInfrastructureIT {

    @Test
    void theBrokerKeepsWhatItAcknowledged() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        String topic = SharedInfrastructure.uniqueTopics().requested();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 1, "k", "hello")).get();
        }
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 1);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, String>> records = consumer.poll(Duration.ofSeconds(10)).records(partition);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("hello");
        }
    }

    @Test
    void eachCallerGetsAnEmptyDatabaseOfItsOwn() throws Exception {
        var first = SharedInfrastructure.newDatabase();
        var second = SharedInfrastructure.newDatabase();
        assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());
        try (var connection = DriverManager.getConnection(first.jdbcUrl(), first.username(), first.password());
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE probe (id INT)");
            statement.execute("INSERT INTO probe VALUES (42)");
            var rows = statement.executeQuery("SELECT id FROM probe");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }
}
