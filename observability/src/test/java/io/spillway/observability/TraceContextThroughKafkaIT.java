package io.spillway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The whole chain on a real broker, in an application configured as the services are: a send inside a
 * span writes the trace into the record; a batch consumer that continues the record's trace logs with its
 * trace id (as JSON, as deployed) and forwards the same trace on its own sends; meters carry the
 * application tag.
 */
@ExtendWith(OutputCaptureExtension.class)
class TraceContextThroughKafkaIT {

    private static final Logger log = LoggerFactory.getLogger(TraceContextThroughKafkaIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConfigurableApplicationContext context;
    private static String topic;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TracedApplication {}

    @BeforeAll
    static void start() throws Exception {
        topic = "trace-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        context = new SpringApplicationBuilder(TracedApplication.class)
                .web(WebApplicationType.NONE)
                .run("--spring.application.name=traced-service",
                        "--spring.kafka.bootstrap-servers=" + SharedInfrastructure.kafkaBootstrapServers(),
                        "--spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
                        "--spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.StringSerializer",
                        "--management.tracing.sampling.probability=1.0",
                        "--logging.structured.format.console=ecs");
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void aSendInsideASpanCarriesItsTraceInTheRecord() throws Exception {
        Tracer tracer = context.getBean(Tracer.class);
        KafkaTemplate<String, String> template = template();
        Span span = tracer.nextSpan().name("accept order").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            template.send(topic, "item-a", "sent in a span").get();
        } finally {
            span.end();
        }

        ConsumerRecord<String, String> record = readUntil("sent in a span");
        assertThat(traceIdOf(record)).isEqualTo(span.context().traceId());
    }

    @Test
    void aBatchConsumerContinuesTheRecordsTraceInItsLogsAndItsSends(CapturedOutput output) throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        ProducerRecord<String, String> incoming = new ProducerRecord<>(topic, "item-b", "from the door");
        incoming.headers().add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        // Sent by a plain producer with the header set by hand, as another service's observed send writes it.
        // (An observed template here would replace the header with its own span's trace.)
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(incoming).get();
        }

        ConsumerRecord<String, String> received = readUntil("from the door");
        KafkaTraceContext traces = context.getBean(KafkaTraceContext.class);
        traces.continueTrace(received.headers(), "decide order", () -> {
            log.info("deciding the order from the door");
            try {
                template().send(topic, "item-b", "the decision").get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(traceIdOf(readUntil("the decision"))).isEqualTo(traceId);
        JsonNode line = logLine(output, "deciding the order from the door");
        assertThat(line.path("traceId").asText()).isEqualTo(traceId);
        assertThat(line.path("log").path("level").asText()).isEqualTo("INFO");
    }

    @Test
    void everyMeterCarriesTheApplicationTag() {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        assertThat(meters.getMeters()).isNotEmpty()
                .allSatisfy(meter -> assertThat(meter.getId().getTag("application")).isEqualTo("traced-service"));
    }

    @SuppressWarnings("unchecked")
    private static KafkaTemplate<String, String> template() {
        return context.getBean(KafkaTemplate.class);
    }

    private static String traceIdOf(ConsumerRecord<?, ?> record) {
        var header = record.headers().lastHeader("traceparent");
        assertThat(header).as("traceparent header of %s", record.value()).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8).split("-")[1];
    }

    private static ConsumerRecord<String, String> readUntil(String value) {
        return TopicRecords.first(topic, record -> record.value().equals(value), Duration.ofSeconds(30));
    }

    private static JsonNode logLine(CapturedOutput output, String message) throws Exception {
        for (String line : output.getOut().split("\\R")) {
            if (line.startsWith("{") && line.contains(message)) {
                return JSON.readTree(line);
            }
        }
        throw new AssertionError("no JSON log line with '" + message + "' in:\n" + output.getOut());
    }
}
