package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The notifier against the real broker: the test plays ingest-api and order-processor itself, by
 * producing requests and decisions and by committing the processor group's offsets.
 */
@SpringBootTest(classes = NotifierApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderStatusIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "order-status-it-secret-" + UUID.randomUUID();
    private static final String PROCESSOR_GROUP = "order-processor-it-" + UUID.randomUUID();
    private static final OrderTokens TOKENS = new OrderTokens(SECRET);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int MAX_STREAMS_PER_ORDER = 3;

    private static KafkaProducer<String, OrderEvent> producer;
    private static Admin admin;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<SseClient> streams = new java.util.concurrent.CopyOnWriteArrayList<>();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.topics.partitions", () -> 2);
        registry.add("spillway.order-token.secret", () -> SECRET);
        registry.add("spillway.notifier.application-id", () -> "notifier-it-" + UUID.randomUUID());
        registry.add("spillway.notifier.state-dir", Files.createTempDirectory("notifier-it-state")::toString);
        registry.add("spillway.notifier.processor-group", () -> PROCESSOR_GROUP);
        // Short, so that a stream whose client went away is noticed within the test.
        registry.add("spillway.notifier.heartbeat", () -> "2s");
        registry.add("spillway.notifier.max-streams-per-order", () -> MAX_STREAMS_PER_ORDER);
    }

    @BeforeAll
    static void clients() {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.events());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void closeClients() {
        producer.close();
        admin.close();
    }

    @AfterEach
    void noStreamIsLeftOpen() {
        streams.forEach(SseClient::close);
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(meters.get("spillway.notifier.streams.open").gauge().value()).isZero());
    }

    @Test
    void anOrderThatIsNotVisibleYetIsQueuedNotMissing() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("not-yet"), SaleId.of("concert"), UUID.randomUUID().toString());

        HttpResponse<String> byQuery = get(statusUri(orderId, TOKENS.tokenFor(orderId)), null);
        HttpResponse<String> byHeader = get(statusUri(orderId, null), "Bearer " + TOKENS.tokenFor(orderId));

        for (HttpResponse<String> response : List.of(byQuery, byHeader)) {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json.readTree(response.body());
            assertThat(body.get("orderId").asText()).isEqualTo(orderId.toString());
            assertThat(body.get("status").asText()).isEqualTo("QUEUED");
            assertThat(body.get("queue").isObject()).isTrue();
            assertThat(body.get("reason").isNull()).isTrue();
            assertThat(fieldNames(body)).containsExactly(
                    "orderId", "status", "saleId", "sku", "quantity", "seats", "reason", "queue", "updatedAt");
            assertThat(fieldNames(body.get("queue"))).containsExactly("position", "etaSeconds", "confidence");
        }
    }

    @Test
    void aQuietStreamIsKeptAliveWithComments() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("quiet"), SaleId.of("concert"), UUID.randomUUID().toString());

        SseClient stream = subscribe(orderId, null);

        // Nothing changes for an order that is not visible: after the first event only comments flow.
        await().atMost(PATIENCE).until(() -> stream.comments().size() >= 2);
        assertThat(stream.events()).extracting(SseClient.Event::name).containsExactly("queued");
        assertThat(stream.ended()).isFalse();
    }

    @Test
    void aWrongTokenAMalformedIdOrAnotherOrdersTokenAnswer404() throws Exception {
        OrderRequested order = request("someone", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        awaitStatus(order.orderId(), "QUEUED", body -> !body.get("saleId").isNull());
        OrderId other = OrderId.derive(CustomerId.of("other"), SaleId.of("concert"), UUID.randomUUID().toString());

        List<HttpResponse<String>> refused = List.of(
                get(statusUri(order.orderId(), "wrong-token"), null),
                get(statusUri(order.orderId(), TOKENS.tokenFor(other)), null),
                get(statusUri(order.orderId(), null), "Bearer " + TOKENS.tokenFor(other)),
                get(statusUri(order.orderId(), null), null),
                get(URI.create(base() + "/api/v1/orders/not-an-order?token=" + TOKENS.tokenFor(order.orderId())), null),
                get(URI.create(eventsUri(order.orderId(), "wrong-token").toString()), null));

        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = json.readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(404);
            assertThat(problem.get("title").asText()).isEqualTo("Order not found");
            assertThat(problem.has("type")).isTrue();
            assertThat(problem.has("detail")).isTrue();
        }
    }

    @Test
    void aSubscriberWaitingBeforeTheDecisionGetsItFromTheDirectFeedWhileTheTableIsPaused() throws Exception {
        OrderRequested order = request("direct", "VIP", List.of(SeatId.of("D-1")));
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        SseClient stream = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("queued") && e.data().contains("\"saleId\":\"concert\"")));
        double directBefore = deliveries("direct");
        double tableBefore = deliveries("table");
        org.apache.kafka.streams.KafkaStreams table = context
                .getBean(org.springframework.kafka.config.StreamsBuilderFactoryBean.class).getKafkaStreams();
        OrderConfirmed decision = OrderConfirmed.of(order, order.seatIds(), Instant.now());

        // With the table's stream threads paused the decision cannot reach the table, the status
        // topic or the global store: only the direct feed can bring it.
        table.pause();
        try {
            send(TOPICS.results(), null, order.orderId().toString(), decision);

            await().atMost(PATIENCE).until(stream::ended);
            assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued"))
                    .singleElement()
                    .satisfies(terminal -> {
                        assertThat(terminal.name()).isEqualTo("confirmed");
                        assertThat(terminal.data()).contains("\"seats\":[\"D-1\"]");
                        assertThat(Long.parseLong(terminal.id()))
                                .isEqualTo(EventIds.terminal(decision.decidedAt()));
                    });
            assertThat(deliveries("direct")).isEqualTo(directBefore + 1);
            assertThat(deliveries("table")).isEqualTo(tableBefore);
            // The table has not caught up: GET still answers from it.
            assertThat(json.readTree(get(statusUri(order.orderId(), TOKENS.tokenFor(order.orderId())), null).body())
                    .get("status").asText()).isEqualTo("QUEUED");
        } finally {
            table.resume();
        }

        // Once the table catches up, a late subscriber gets the same terminal event, and no stream a second one.
        awaitStatus(order.orderId(), "CONFIRMED", body -> true);
        SseClient late = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(late::ended);
        assertThat(late.events()).extracting(SseClient.Event::id)
                .containsExactly(Long.toString(EventIds.terminal(decision.decidedAt())));
        assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertThat(deliveries("table")).isEqualTo(tableBefore);
    }

    private double deliveries(String path) {
        return meters.get("spillway.notifier.delivery.latency").tag("path", path).timer().count();
    }

    @Test
    void aSubscriberBeforeTheDecisionGetsExactlyOneTerminalEventAndTheStreamEnds() throws Exception {
        OrderRequested order = request("early-bird", "VIP", List.of(SeatId.of("A-1"), SeatId.of("A-2")));
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        SseClient stream = subscribe(order.orderId(), null);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        // Queued with what the request said, once the table has it.
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("queued") && e.data().contains("\"saleId\":\"concert\"")));
        assertThat(stream.events().getFirst().retry()).isNotNull();

        send(TOPICS.results(), null, order.orderId().toString(),
                OrderConfirmed.of(order, order.seatIds(), Instant.now()));

        await().atMost(PATIENCE).until(stream::ended);
        List<SseClient.Event> events = stream.events();
        assertThat(events.getLast().name()).isEqualTo("confirmed");
        assertThat(events).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertIdsIncrease(events);
        JsonNode confirmed = json.readTree(events.getLast().data());
        assertThat(confirmed.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(confirmed.get("seats").toString()).isEqualTo("[\"A-1\",\"A-2\"]");
        assertThat(confirmed.get("queue").isNull()).isTrue();
        // The status answer says the same.
        assertThat(json.readTree(get(statusUri(order.orderId(), TOKENS.tokenFor(order.orderId())), null).body()))
                .isEqualTo(confirmed);
    }

    @Test
    void aSubscriberAfterTheDecisionGetsItAtOnceAndAResumedStreamNeverRepeatsQueuedEvents() throws Exception {
        OrderRequested order = request("late-comer", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        send(TOPICS.results(), null, order.orderId().toString(),
                OrderRejected.of(order, RejectionReason.SOLD_OUT, Instant.now()));
        awaitStatus(order.orderId(), "REJECTED", body -> body.get("reason").asText().equals("SOLD_OUT"));

        SseClient fresh = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(fresh::ended);
        assertThat(fresh.events()).extracting(SseClient.Event::name).containsExactly("rejected");
        SseClient.Event terminal = fresh.events().getFirst();
        assertThat(json.readTree(terminal.data()).get("reason").asText()).isEqualTo("SOLD_OUT");

        // A client that had queued events and lost the connection gets the end of the story, only.
        SseClient resumed = subscribe(order.orderId(), Long.toString(System.currentTimeMillis()));
        await().atMost(PATIENCE).until(resumed::ended);
        assertThat(resumed.events()).containsExactly(terminal);

        // A client that already has the terminal event gets nothing more, and is told to stop.
        SseClient finished = subscribe(order.orderId(), terminal.id());
        await().atMost(PATIENCE).until(finished::ended);
        assertThat(finished.status()).isEqualTo(204);
        assertThat(finished.events()).isEmpty();
    }

    @Test
    void thePositionFallsAsTheProcessorGroupCommitsAndStreamsFollowIt() throws Exception {
        List<OrderRequested> line = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OrderRequested order = request("in-line-" + i, "GA", List.of());
            line.add(order);
            offsets.add(send(TOPICS.requested(), 0, order.itemKey().toString(), order));
        }
        OrderId last = line.getLast().orderId();
        long first = offsets.getFirst();
        commit(first);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 4);
        SseClient stream = subscribe(last, null);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(4L));

        commit(first + 3);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 1);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(1L));
        // The line moved while it had work: its speed is known once a window holds enough busy time.
        awaitStatus(last, "QUEUED", body -> body.get("queue").get("etaSeconds").isIntegralNumber());
        JsonNode queue = json.readTree(get(statusUri(last, TOKENS.tokenFor(last)), null).body()).get("queue");
        assertThat(queue.get("confidence").asDouble()).isBetween(0.0, 1.0);

        commit(first + 10);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 0);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(0L));

        // The line reaches the order: its decision ends the stream, after a position that only fell.
        send(TOPICS.results(), null, last.toString(), OrderConfirmed.of(line.getLast(), List.of(), Instant.now()));
        await().atMost(PATIENCE).until(stream::ended);
        assertThat(stream.events().getLast().name()).isEqualTo("confirmed");
        assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertThat(positions(stream)).isSortedAccordingTo((a, b) -> Long.compare(b, a)).endsWith(0L);
        assertIdsIncrease(stream.events());
        // Queued ids are their send times: no two queued events less than a second apart.
        List<Long> ids = stream.events().stream()
                .filter(e -> e.name().equals("queued")).map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i) - ids.get(i - 1)).isGreaterThanOrEqualTo(990);
        }
    }

    @Test
    void subscribersArrivingWhileTheDecisionLandsEachGetExactlyOneTerminalEvent() throws Exception {
        OrderRequested order = request("in-the-middle", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        awaitStatus(order.orderId(), "QUEUED", body -> !body.get("saleId").isNull());

        // Streams open on one side while the decision is produced on the other, racing it.
        List<java.util.concurrent.Future<SseClient>> opening = new ArrayList<>();
        try (var racers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < MAX_STREAMS_PER_ORDER; i++) {
                opening.add(racers.submit(() -> subscribe(order.orderId(), null)));
            }
            send(TOPICS.results(), null, order.orderId().toString(),
                    OrderRejected.of(order, RejectionReason.LIMIT_EXCEEDED, Instant.now()));
        }

        for (java.util.concurrent.Future<SseClient> future : opening) {
            SseClient stream = future.get();
            await().atMost(PATIENCE).until(stream::ended);
            assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued"))
                    .extracting(SseClient.Event::name).containsExactly("rejected");
            assertThat(stream.events().getLast().name()).isEqualTo("rejected");
            assertIdsIncrease(stream.events());
        }
        // A distinct id for the same decision would make a reconnecting client see it twice.
        assertThat(opening.stream().map(f -> f.resultNow().events().getLast().id()).distinct()).hasSize(1);
    }

    @Test
    void resumingMidStreamRepeatsNothingAndMissesNothing() throws Exception {
        OrderRequested order = request("reconnecting", "GA", List.of());
        send(TOPICS.requested(), 1, order.itemKey().toString(), order);
        SseClient first = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(() -> first.events().stream().anyMatch(e -> e.data().contains("\"concert\"")));
        SseClient.Event had = first.events().getLast();
        first.close();

        SseClient resumed = subscribe(order.orderId(), had.id());
        await().atMost(PATIENCE).until(() -> !resumed.events().isEmpty());
        send(TOPICS.results(), null, order.orderId().toString(),
                OrderConfirmed.of(order, List.of(), Instant.now()));
        await().atMost(PATIENCE).until(resumed::ended);

        List<SseClient.Event> events = resumed.events();
        // Nothing the client already had: every id is past the one it presented.
        assertThat(events).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(Long.parseLong(had.id())));
        // The current state at once, then the end of the story, once.
        assertThat(events.getFirst().name()).isEqualTo("queued");
        assertThat(events).filteredOn(e -> !e.name().equals("queued")).extracting(SseClient.Event::name)
                .containsExactly("confirmed");
        assertIdsIncrease(events);
    }

    @Test
    void oneStreamMoreThanAnOrderMayHaveIsRefusedWith429() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("many-tabs"), SaleId.of("concert"), UUID.randomUUID().toString());
        for (int i = 0; i < MAX_STREAMS_PER_ORDER; i++) {
            SseClient stream = subscribe(orderId, null);
            await().atMost(PATIENCE).until(() -> !stream.events().isEmpty());
        }

        HttpResponse<String> refused = get(eventsUri(orderId, TOKENS.tokenFor(orderId)), null);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(refused.body()).get("status").asInt()).isEqualTo(429);
        // Another order is not held back by this one's streams.
        OrderId other = OrderId.derive(CustomerId.of("one-tab"), SaleId.of("concert"), UUID.randomUUID().toString());
        assertThat(subscribe(other, null).status()).isEqualTo(200);
    }

    @Test
    void aThousandClientsThatVanishReleaseEveryStreamAndTheirMemory() throws Exception {
        assertThat(openStreams()).isZero();
        // A first round fills the server's bounded pools (Netty's buffer caches, Reactor's and
        // Spring's lazily built parts): memory kept for reuse, not leaked. A leak would grow again with the second round; a pool does not.
        vanish(1_000);
        long baselineHeap = settledHeap();
        long baselineConnections = openConnections();

        long withStreams = vanish(1_000);
        long after = settledHeap();

        System.out.printf("heap: baseline %d KiB, 1000 streams open %d KiB, after they vanished %d KiB%n",
                baselineHeap / 1024, withStreams / 1024, after / 1024);
        assertThat(openStreams()).isZero();
        await().atMost(PATIENCE).until(() -> openConnections() <= baselineConnections);
        // The heap within what unrelated background work (Kafka clients, metrics) moves; 1000 leaked
        // streams would hold about 100 MiB here.
        assertThat(after).isLessThan(baselineHeap + HEAP_TOLERANCE);
        assertThat(withStreams).isGreaterThan(baselineHeap + HEAP_TOLERANCE);
    }

    /** Opens {@code clients} streams, resets them all at once; answers the heap while they were open. */
    private long vanish(int clients) throws Exception {
        List<java.net.Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sockets.add(rawSubscribe(OrderId.derive(CustomerId.of("vanishing"), SaleId.of("concert"), UUID.randomUUID().toString())));
            }
            await().atMost(PATIENCE).until(() -> openStreams() == clients);
            long withStreams = settledHeap();
            for (java.net.Socket socket : sockets) {
                // SO_LINGER 0: the connection is reset, as when a phone loses its network, with no orderly close.
                socket.setSoLinger(true, 0);
                socket.close();
            }
            await().atMost(PATIENCE).until(() -> openStreams() == 0);
            return withStreams;
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private long openConnections() {
        return context.getBean(OpenConnections.class).count();
    }

    private static final long HEAP_TOLERANCE = 8L * 1024 * 1024;

    private double openStreams() {
        return meters.get("spillway.notifier.streams.open").gauge().value();
    }

    /** Heap in use after full collections, once two successive readings agree within 1 MiB. */
    private static long settledHeap() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 1024 * 1024) {
                return Math.min(previous, used);
            }
            previous = used;
        }
        return previous;
    }

    /** A plain-socket event stream, read up to its first event, so that the test can drop it abruptly. */
    private java.net.Socket rawSubscribe(OrderId orderId) throws IOException {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        socket.setSoTimeout((int) PATIENCE.toMillis());
        String request = "GET /api/v1/orders/" + orderId + "/events?token=" + TOKENS.tokenFor(orderId) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        StringBuilder seen = new StringBuilder();
        java.io.InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains("event:queued")) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new IOException("stream closed before its first event: " + seen);
            }
            seen.append(new String(buffer, 0, read, java.nio.charset.StandardCharsets.US_ASCII));
        }
        return socket;
    }

    private SseClient subscribe(OrderId orderId, String lastEventId) throws Exception {
        SseClient stream = SseClient.open(http, eventsUri(orderId, TOKENS.tokenFor(orderId)), lastEventId);
        streams.add(stream);
        return stream;
    }

    private List<Long> positions(SseClient stream) throws IOException {
        List<Long> positions = new ArrayList<>();
        for (SseClient.Event event : stream.events()) {
            JsonNode queue = json.readTree(event.data()).get("queue");
            JsonNode position = queue == null ? null : queue.get("position");
            if (position != null && !position.isNull()) {
                positions.add(position.asLong());
            }
        }
        return positions;
    }

    private static void assertIdsIncrease(List<SseClient.Event> events) {
        List<Long> ids = events.stream().map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        }
    }

    private void awaitStatus(OrderId orderId, String status, java.util.function.Predicate<JsonNode> also) {
        await().atMost(PATIENCE).until(() -> {
            JsonNode body = json.readTree(get(statusUri(orderId, TOKENS.tokenFor(orderId)), null).body());
            return body.get("status").asText().equals(status) && also.test(body);
        });
    }

    private static long send(String topic, Integer partition, String key, OrderEvent event) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, key, event)).get().offset();
    }

    private static void commit(long offset) throws Exception {
        admin.alterConsumerGroupOffsets(PROCESSOR_GROUP,
                        Map.of(new TopicPartition(TOPICS.requested(), 0), new OffsetAndMetadata(offset)))
                .all()
                .get();
    }

    private static OrderRequested request(String customer, String sku, List<SeatId> seats) {
        CustomerId customerId = CustomerId.of(customer);
        return OrderRequested.of(OrderId.derive(customerId, SaleId.of("concert"), UUID.randomUUID().toString()), customerId,
                SaleId.of("concert"), Sku.of(sku), seats.isEmpty() ? 1 : seats.size(), seats, Instant.now());
    }

    private HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(PATIENCE).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI statusUri(OrderId orderId, String token) {
        return URI.create(base() + "/api/v1/orders/" + orderId + (token == null ? "" : "?token=" + token));
    }

    private URI eventsUri(OrderId orderId, String token) {
        return URI.create(base() + "/api/v1/orders/" + orderId + "/events?token=" + token);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
