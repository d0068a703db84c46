package io.spillway.inventory.sales;

import io.spillway.contract.spring.WarmupMark;
import io.spillway.contract.spring.WarmupRound;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * This instance's warm-up round (WarmupGate, docs/operations.md "Ready for the spike"): one buyer's
 * read of a sale's view, {@code GET /api/v1/sales/{saleId}}, sent to its own HTTP port on 127.0.0.1.
 * That is what the buyers' page asks this service at the opening, and a cold JVM serves it at a
 * fraction of its speed for its first seconds (docs/benchmarks/warmup-processor-inventory.md): the
 * request goes through the same Tomcat, security filters, controller, view cache and JSON writing as
 * a buyer's.
 *
 * <p>The sale read is the one whose opening is nearest to now, looked up once; with no sale at all,
 * a sale id no sale can have, whose 404 is the problem+json path. A GET changes nothing: the view
 * cache holds what any buyer's read would have loaded, for its usual second.
 *
 * <p>Limits: the rounds are kept out of {@code http.server.requests} (and its traces) by
 * {@link #unobserved}, but not out of the view cache's statistics ({@code cache_gets} of
 * {@code sale-views}), which count them as any read. Seat maps are not exercised: few sales have
 * seats, and their read is the same Tomcat and JSON path with another query.
 */
@Component
class SaleViewWarmup implements WarmupRound, AutoCloseable {

    /** Valid (SaleId's pattern) and never given to a sale by an operator in practice. */
    private static final String NO_SALE = "warmup-no-such-sale";

    private final JdbcTemplate jdbc;
    private final Environment environment;
    /** On each round's request: what keeps it out of the request meters ({@link #unobserved}). */
    private final WarmupMark mark = new WarmupMark();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private volatile HttpRequest request;

    SaleViewWarmup(JdbcTemplate jdbc, Environment environment) {
        this.jdbc = jdbc;
        this.environment = environment;
    }

    @Override
    public void run() throws Exception {
        HttpResponse<byte[]> response = http.send(request(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 && response.statusCode() != 404) {
            throw new IllegalStateException("a sale's view answered " + response.statusCode());
        }
    }

    private HttpRequest request() {
        HttpRequest known = request;
        if (known == null) {
            List<String> nearest = jdbc.queryForList(
                    "SELECT sale_id FROM sales ORDER BY abs(extract(epoch FROM opens_at - now())) LIMIT 1", String.class);
            String saleId = nearest.isEmpty() ? NO_SALE : nearest.getFirst();
            known = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port")
                            + "/api/v1/sales/" + URLEncoder.encode(saleId, StandardCharsets.UTF_8)))
                    .header("Accept", "application/json")
                    .header(WarmupMark.HEADER, mark.value())
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build();
            request = known;
        }
        return known;
    }

    /** The client's connections and selector thread go with the context (Spring calls this on close). */
    @Override
    public void close() {
        http.close();
    }

    /** Whether a server request is a round's own, which no meter or trace should count. */
    boolean unobserved(Object context) {
        return context instanceof ServerRequestObservationContext server
                && mark.matches(server.getCarrier().getHeader(WarmupMark.HEADER));
    }
}
