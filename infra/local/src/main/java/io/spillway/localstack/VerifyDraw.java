package io.spillway.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code ./spillway verify-draw <saleId> [--order <orderId>]}: checks a sale's published draw from the
 * outside, with nothing but its public answers (CONTRACT.md, "Opening: pre-queue and draw"):
 *
 * <ul>
 *   <li>the revealed seed hashes to the commitment the sale view showed from its creation;
 *   <li>each item's keys are numbered 0, 1, 2, … and, for {@code SHUFFLED}, ascending;
 *   <li>along the draw, first come, first served: no key was confirmed after an earlier key of the
 *       same or a smaller quantity was rejected {@code SOLD_OUT}.
 * </ul>
 *
 * <p>It cannot recompute a key: the draw lists no order ids. A buyer recomputes their own with
 * {@code --order} (or {@code printf %s ORDER_ID | openssl dgst -sha256 -mac HMAC -macopt hexkey:SEED})
 * and finds it, with its place and outcome. Self-contained on purpose (the JDK and Jackson only), so
 * that anyone can read what it checks. Exit status 0: the draw checks out; 1: it does not.
 */
public final class VerifyDraw {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private VerifyDraw() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("--")) {
            System.err.println("usage: verify-draw <saleId> [--order <orderId>] [--inventory <url>]");
            System.exit(2);
        }
        String saleId = args[0];
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        Arguments arguments = Arguments.parse(rest);
        String inventory = arguments.values().getOrDefault("inventory", "http://127.0.0.1:8082");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode sale = get(http, inventory + "/api/v1/sales/" + saleId);
        HttpResponse<String> drawAnswer = http.send(
                HttpRequest.newBuilder(URI.create(inventory + "/api/v1/sales/" + saleId + "/draw")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (drawAnswer.statusCode() != 200) {
            System.out.println("the draw of " + saleId + " is not public yet (" + drawAnswer.statusCode()
                    + "); the commitment to its seed is " + sale.path("draw").path("commitment").asText());
            System.exit(1);
        }
        JsonNode draw = JSON.readTree(drawAnswer.body());
        List<String> problems = check(sale, draw);
        report(draw, arguments.values().get("order"));
        if (problems.isEmpty()) {
            System.out.println("the draw of " + saleId + " checks out: the seed matches the commitment "
                    + sale.path("draw").path("commitment").asText() + ", the keys are in draw order, and no key was "
                    + "confirmed after an earlier one of the same or a smaller quantity was sold out");
            return;
        }
        problems.forEach(problem -> System.out.println("PROBLEM: " + problem));
        System.exit(1);
    }

    /** What is wrong with the published draw; empty when it checks out. */
    static List<String> check(JsonNode sale, JsonNode draw) {
        List<String> problems = new ArrayList<>();
        String commitment = sale.path("draw").path("commitment").asText("");
        String seed = draw.path("seed").asText("");
        if (!seed.matches("[0-9a-f]{64}")) {
            problems.add("the seed is not 32 bytes of lower-case hex: " + seed);
            return problems;
        }
        if (!sha256(HEX.parseHex(seed)).equals(commitment)) {
            problems.add("SHA-256 of the seed is " + sha256(HEX.parseHex(seed)) + ", not the commitment " + commitment);
        }
        if (!draw.path("commitment").asText("").equals(commitment)) {
            problems.add("the draw names the commitment " + draw.path("commitment").asText() + ", the sale " + commitment);
        }
        boolean shuffled = "SHUFFLED".equals(draw.path("openingOrder").asText());
        for (JsonNode item : draw.path("items")) {
            String sku = item.path("sku").asText();
            String previous = null;
            int expectedPlace = 0;
            int smallestSoldOut = Integer.MAX_VALUE;
            for (JsonNode key : item.path("keys")) {
                String hex = key.path("key").asText("");
                if (key.path("place").asInt(-1) != expectedPlace) {
                    problems.add(sku + ": place " + key.path("place") + " where " + expectedPlace + " was due");
                }
                if (!hex.matches("[0-9a-f]{64}")) {
                    problems.add(sku + " place " + expectedPlace + ": not a key: " + hex);
                } else if (shuffled && previous != null && hex.compareTo(previous) <= 0) {
                    problems.add(sku + " place " + expectedPlace + ": key " + hex + " is not after " + previous);
                }
                int quantity = key.path("quantity").asInt();
                String outcome = key.path("outcome").asText();
                if ("CONFIRMED".equals(outcome) && quantity >= smallestSoldOut) {
                    problems.add(sku + " place " + expectedPlace + ": " + quantity + " confirmed after an earlier key "
                            + "of " + smallestSoldOut + " was sold out");
                }
                if ("REJECTED".equals(outcome) && "SOLD_OUT".equals(key.path("reason").asText())) {
                    smallestSoldOut = Math.min(smallestSoldOut, quantity);
                }
                if ("UNDECIDED".equals(outcome)) {
                    problems.add(sku + " place " + expectedPlace + ": revealed before it was decided");
                }
                previous = hex;
                expectedPlace++;
            }
        }
        return problems;
    }

    /** The key of one order: {@code hex(HMAC-SHA256(key = seed, message = orderId))}. */
    static String keyOf(String seedHex, String orderId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HEX.parseHex(seedHex), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(orderId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void report(JsonNode draw, String orderId) {
        for (JsonNode item : draw.path("items")) {
            System.out.println(item.path("sku").asText() + ": " + item.path("keys").size() + " pre-queue orders drawn");
        }
        if (orderId == null) {
            return;
        }
        String key = keyOf(draw.path("seed").asText(), orderId.toLowerCase());
        for (JsonNode item : draw.path("items")) {
            for (JsonNode drawn : item.path("keys")) {
                if (drawn.path("key").asText().equals(key)) {
                    System.out.println("order " + orderId + " has key " + key + ": " + item.path("sku").asText()
                            + " place " + drawn.path("place").asInt() + ", " + drawn.path("outcome").asText()
                            + (drawn.path("reason").isTextual() ? " " + drawn.path("reason").asText() : ""));
                    return;
                }
            }
        }
        System.out.println("order " + orderId + " has key " + key + ", which is not in the draw (not a pre-queue order?)");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
