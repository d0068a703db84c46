package io.spillway.localstack;

import static io.spillway.localstack.DemoClient.JSON;

import io.spillway.localstack.DemoClient.Event;
import io.spillway.localstack.DemoClient.Placed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The second part of {@code ./spillway demo}: a sale whose confirmations are held for payment. Of
 * the first wave's held orders two in five are paid (by the payment system's callback, with the
 * payment token), one in five is cancelled by its buyer and two in five are left to expire; a second
 * wave then buys what came back and pays. Nothing may be sold twice: paid tickets never exceed the
 * stock.
 */
final class HoldsDemo {

    private final DemoClient client;
    private final String paymentToken;

    HoldsDemo(DemoClient client, String paymentToken) {
        this.client = client;
        this.paymentToken = paymentToken;
    }

    boolean run(int buyers, int stock, int holdSeconds) throws Exception {
        String saleId = "demo-holds-" + Instant.now().getEpochSecond();
        client.createSale(Map.of(
                "saleId", saleId,
                "name", "Spillway demo sale with a hold",
                "opensAt", Instant.now().minusSeconds(1).toString(),
                "perCustomerLimit", 1,
                "holdSeconds", holdSeconds,
                "items", List.of(Map.of("sku", "GA", "stock", stock))));
        client.awaitTheDoorKnows(saleId, "GA", 2);
        System.out.printf("%nsale %s: GA %d in stock, held %d s for payment, 1 per buyer%n", saleId, stock, holdSeconds);
        System.out.printf("the buyers' page of this sale: %s%n", client.pageOf(saleId));

        Wave first = wave(saleId, "first", buyers);
        List<Placed> toPay = new ArrayList<>();
        List<Placed> toCancel = new ArrayList<>();
        for (int i = 0; i < first.held.size(); i++) {
            switch (i % 5) {
                case 0, 1 -> toPay.add(first.held.get(i));
                case 2 -> toCancel.add(first.held.get(i));
                default -> { } // let it expire
            }
        }
        int payAnswers = payAll(toPay);
        int cancelAnswers = 0;
        for (Placed order : toCancel) {
            cancelAnswers += client.cancel(order) == 202 ? 1 : 0;
        }
        System.out.printf("first wave: %d paying (%d accepted), %d cancelling (%d accepted), %d left to expire%n",
                toPay.size(), payAnswers, toCancel.size(), cancelAnswers,
                first.held.size() - toPay.size() - toCancel.size());
        Map<String, Event> firstEnds = client.follow(first.held, DemoClient.TERMINAL,
                Duration.ofSeconds(holdSeconds + 60));

        awaitReturned(saleId);
        Wave second = wave(saleId, "second", buyers);
        payAll(second.held);
        Map<String, Event> secondEnds = client.follow(second.held, DemoClient.TERMINAL, Duration.ofSeconds(holdSeconds + 60));

        Map<String, Integer> ends = new TreeMap<>();
        firstEnds.values().forEach(e -> ends.merge(e.name(), 1, Integer::sum));
        long paid = count(firstEnds.values(), "paid") + count(secondEnds.values(), "paid");
        long unended = (first.held.size() - firstEnds.size()) + (second.held.size() - secondEnds.size());
        long oversold = Math.max(0, paid - stock);
        System.out.printf("first wave ended: %s%n", ends);
        System.out.printf("paid:      %d%n", paid);
        System.out.printf("expired:   %d%n", count(firstEnds.values(), "expired") + count(secondEnds.values(), "expired"));
        System.out.printf("cancelled: %d%n", count(firstEnds.values(), "cancelled"));
        System.out.printf("resold:    %d (held by the second wave, after the first wave's returns)%n", second.held.size());
        System.out.printf("unended:   %d%n", unended);
        System.out.printf("oversold:  %d%n", oversold);
        var item = client.sale(saleId).get("items").get(0);
        System.out.printf("inventory: GA %d of %d left, %d held%n",
                item.get("available").asInt(), item.get("total").asInt(), item.path("held").asInt());
        return oversold == 0 && unended == 0 && !second.held.isEmpty();
    }

    /**
     * The returned tickets reach the door through the availability topic, a moment after the
     * processor wrote them: the second wave comes once the sale view shows them.
     */
    private void awaitReturned(String saleId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var item = client.sale(saleId).get("items").get(0);
            if (item.get("available").asInt() > 0 && !item.get("soldOut").asBoolean()) {
                return;
            }
            Thread.sleep(Duration.ofMillis(200));
        }
        System.out.println("the sale view showed no returned ticket within 30 s");
    }

    /** Every buyer of the wave orders one ticket; returns those whose order was confirmed and held. */
    private Wave wave(String saleId, String name, int buyers) throws Exception {
        List<String> customers = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        String body = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 1));
        for (int i = 0; i < buyers; i++) {
            customers.add(name + "-buyer-" + i);
            bodies.add(body);
        }
        List<Placed> placed = new ArrayList<>(List.of(client.placeWhileClosed(customers.get(0), body)));
        placed.addAll(client.placeAll(customers.subList(1, buyers), bodies.subList(1, buyers)));
        List<Placed> accepted = placed.stream().filter(p -> p.status() == 202).toList();
        Map<String, Event> decided = client.follow(accepted, Set.of("confirmed", "rejected"), Duration.ofMinutes(2));
        List<Placed> held = accepted.stream()
                .filter(p -> decided.containsKey(p.orderId()) && "confirmed".equals(decided.get(p.orderId()).name()))
                .toList();
        System.out.printf("%s wave: %d buyers, %d accepted%s, %d held, %d rejected, %d undecided%n", name, buyers,
                accepted.size(), Demo.refusedByStatus(placed), held.size(), decided.size() - held.size(),
                accepted.size() - decided.size());
        return new Wave(held);
    }

    private int payAll(List<Placed> orders) throws Exception {
        int accepted = 0;
        for (Placed order : orders) {
            accepted += client.pay(order, paymentToken, "demo-" + order.orderId()) == 202 ? 1 : 0;
        }
        return accepted;
    }

    private static long count(Collection<Event> events, String name) {
        return events.stream().filter(e -> name.equals(e.name())).count();
    }

    private record Wave(List<Placed> held) {}
}
