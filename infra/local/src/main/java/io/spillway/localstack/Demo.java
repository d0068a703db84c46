package io.spillway.localstack;

import static io.spillway.localstack.DemoClient.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.localstack.DemoClient.Event;
import io.spillway.localstack.DemoClient.Placed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code ./spillway demo}: a sale opens and a crowd of buyers presses "buy" at once, through the
 * public API only, as a browser would. Every accepted order is then followed on its event stream
 * until its result arrives, and the outcome is checked from the buyers' side: nothing confirmed
 * beyond the stock, no seat confirmed twice, every accepted order decided. Then a second sale with
 * a hold ({@link HoldsDemo}): some buyers pay, some cancel, some let the hold expire, and later
 * buyers get the returned tickets.
 */
public final class Demo {

    private final DemoClient client;

    private Demo(DemoClient client) {
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        int buyers = arguments.intOr("buyers", 2000);
        int stock = arguments.intOr("stock", 500);
        int seats = arguments.intOr("seats", 40);
        DemoClient client = new DemoClient(arguments.require("ingest"), arguments.require("notifier"),
                arguments.require("inventory"), arguments.require("admin-token"));
        boolean ok = new Demo(client).run(buyers, stock, seats);
        int holdBuyers = arguments.intOr("hold-buyers", 400);
        if (holdBuyers > 0) {
            String paymentToken = Files.readString(Path.of(arguments.require("payment-token-file"))).strip();
            ok &= new HoldsDemo(client, paymentToken)
                    .run(holdBuyers, arguments.intOr("hold-stock", holdBuyers / 2), arguments.intOr("hold-seconds", 10));
        }
        System.exit(ok ? 0 : 1);
    }

    private boolean run(int buyers, int stock, int seatCount) throws Exception {
        String saleId = "demo-" + Instant.now().getEpochSecond();
        List<String> seatIds = new ArrayList<>();
        for (int i = 1; i <= seatCount; i++) {
            seatIds.add("A-" + i);
        }
        client.createSale(Map.of(
                "saleId", saleId,
                "name", "Spillway demo sale",
                "opensAt", Instant.now().minusSeconds(1).toString(),
                "perCustomerLimit", 4,
                "items", List.of(Map.of("sku", "GA", "stock", stock), Map.of("sku", "VIP", "seats", seatIds))));
        client.awaitTheDoorKnows(saleId, "GA", 100);
        System.out.printf("sale %s: GA %d in stock, VIP %d named seats, at most 4 per buyer%n", saleId, stock, seatCount);
        System.out.printf("the buyers' page of this sale: %s%n", client.pageOf(saleId));

        long started = System.nanoTime();
        List<Placed> placed = placeOrders(saleId, buyers, seatIds);
        double burstSeconds = (System.nanoTime() - started) / 1e9;
        List<Placed> accepted = placed.stream().filter(p -> p.status() == 202).toList();
        System.out.printf("%d buyers ordered in %.1f s: %d accepted (202)%s%n", buyers, burstSeconds, accepted.size(),
                refusedByStatus(placed));

        Map<String, Event> results = client.follow(accepted, Set.of("confirmed", "rejected"), Duration.ofMinutes(3));
        return report(saleId, stock, results.values().stream().map(Event::data).toList(), accepted.size());
    }

    static String refusedByStatus(List<Placed> placed) {
        Map<Integer, Long> refused = new TreeMap<>();
        placed.stream().filter(p -> p.status() != 202).forEach(p -> refused.merge(p.status(), 1L, Long::sum));
        return refused.isEmpty() ? "" : ", refused by status " + refused;
    }

    /** Nine in ten buyers want 1–2 GA tickets, the others two adjacent VIP seats: all at once. */
    private List<Placed> placeOrders(String saleId, int buyers, List<String> seatIds) throws Exception {
        Random random = new Random(42);
        List<String> customers = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < buyers; i++) {
            customers.add("buyer-" + i);
            if (i % 10 == 9) {
                int first = random.nextInt(seatIds.size() - 1);
                bodies.add(JSON.writeValueAsString(Map.of(
                        "saleId", saleId, "sku", "VIP", "seatIds", List.of(seatIds.get(first), seatIds.get(first + 1)))));
            } else {
                bodies.add(JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 1 + random.nextInt(2))));
            }
        }
        return client.placeAll(customers, bodies);
    }

    private boolean report(String saleId, int stock, List<JsonNode> results, long accepted) throws Exception {
        int confirmed = 0;
        int gaSold = 0;
        Map<String, Integer> rejected = new TreeMap<>();
        Map<String, Integer> seatOwners = new HashMap<>();
        for (JsonNode result : results) {
            if ("CONFIRMED".equals(result.get("status").asText())) {
                confirmed++;
                if ("GA".equals(result.get("sku").asText())) {
                    gaSold += result.get("quantity").asInt();
                }
                result.get("seats").forEach(seat -> seatOwners.merge(seat.asText(), 1, Integer::sum));
            } else {
                rejected.merge(result.get("reason").asText(), 1, Integer::sum);
            }
        }
        long doubleSoldSeats = seatOwners.values().stream().filter(owners -> owners > 1).count();
        long oversold = Math.max(0, gaSold - stock) + doubleSoldSeats;
        long undecided = accepted - results.size();

        System.out.printf("confirmed: %d orders (GA %d of %d tickets, VIP %d of the seats)%n",
                confirmed, gaSold, stock, seatOwners.size());
        System.out.printf("rejected:  %d %s%n", rejected.values().stream().mapToInt(Integer::intValue).sum(), rejected);
        System.out.printf("undecided: %d%n", undecided);
        System.out.printf("oversold:  %d%n", oversold);
        for (JsonNode item : client.sale(saleId).get("items")) {
            int left = item.get("available").asInt();
            String note = left > 0 && item.get("soldOut").asBoolean()
                    ? " (closed: an order larger than what was left was refused, and no later buyer may pass it)"
                    : "";
            System.out.printf("inventory: %s %d of %d left%s%n",
                    item.get("sku").asText(), left, item.get("total").asInt(), note);
        }
        return oversold == 0 && undecided == 0;
    }
}
