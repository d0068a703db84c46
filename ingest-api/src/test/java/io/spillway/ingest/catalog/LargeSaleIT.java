package io.spillway.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The largest sale inventory-service accepts, 100 items of 100,000 seats with 64-character ids
 * (670 MB of seat ids in 1,000 chunks), reaches a running door through the real broker: an order
 * for the last seat of the last item passes, a seat the item does not have is refused, and a small
 * sale published after it is known too. Once every item is sold out the door keeps none of its
 * seats and answers 409 to every order of it.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=large-sale-it-secret-of-at-least-32-bytes",
            "spillway.ingest.payment.tokens=large-sale-it-payment-token-of-32-bytes"
        })
class LargeSaleIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final int ITEMS = 100;
    private static final int SEATS = 100_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @Autowired
    private SaleBook book;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
    }

    @BeforeAll
    static void topics() throws Exception {
        CatalogFixture.createTopics(SharedInfrastructure.kafkaBootstrapServers(), TOPICS);
    }

    @Test
    void theLargestSaleReachesTheDoorWholeAndASmallSaleAfterItToo() throws Exception {
        CatalogFixture.awaitReady(port);
        SaleId arena = SaleId.of("arena");
        List<ItemDefinition> items = IntStream.range(0, ITEMS).mapToObj(i -> ItemDefinition.seated(sku(i), SEATS)).toList();
        SaleDefined sale = SaleDefined.of(arena, "Arena", CatalogFixture.anHourAgo(), 4, items);

        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                new CatalogFixture.Sale(sale, () -> IntStream.range(0, ITEMS).boxed().flatMap(LargeSaleIT::chunks)));

        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> order("arena", sku(ITEMS - 1), seat(SEATS - 1)).statusCode() == 202);
        assertThat(order("arena", sku(ITEMS - 1), seat(SEATS)).statusCode()).isEqualTo(422);
        assertThat(order("arena", sku(0), seat(0)).statusCode()).isEqualTo(202);

        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                CatalogFixture.sale("after", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> order("after", Sku.of("VIP"), SeatId.of("A-1")).statusCode() == 202);

        // Every item sold out: the sale has ended, the door drops its seats and answers 409.
        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS, IntStream.range(0, ITEMS)
                .mapToObj(i -> ItemAvailability.of(arena, sku(i), 0, true)).toArray());
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> order("arena", sku(ITEMS - 1), seat(SEATS - 1)).statusCode() == 409);
        assertThat(book.seatsKept()).isEqualTo(1);
        assertThat(order("arena", sku(0), seat(SEATS)).statusCode()).isEqualTo(409);
    }

    private static Sku sku(int item) {
        return Sku.of("I%063d".formatted(item));
    }

    private static SeatId seat(int seat) {
        return SeatId.of("S%063d".formatted(seat));
    }

    /** One item's chunks, each made when the producer gets to it. */
    private static Stream<SeatChunk> chunks(int item) {
        return IntStream.range(0, SeatChunk.chunksFor(SEATS)).mapToObj(chunk -> SeatChunk.of(SaleId.of("arena"), sku(item), chunk,
                IntStream.range(chunk * SeatChunk.MAX_SEATS, Math.min(SEATS, (chunk + 1) * SeatChunk.MAX_SEATS))
                        .mapToObj(LargeSaleIT::seat).toList()));
    }

    private HttpResponse<String> order(String saleId, Sku sku, SeatId seat) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString("{\"saleId\":\"%s\",\"sku\":\"%s\",\"seatIds\":[\"%s\"]}"
                                .formatted(saleId, sku, seat)))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", "c-" + UUID.randomUUID().toString().substring(0, 8))
                        .build(),
                BodyHandlers.ofString());
    }
}
