package io.spillway.notifier.page;

import io.spillway.contract.SaleId;
import io.spillway.contract.admission.RoomId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The buyers' page: {@code GET /s/{saleId}} (one HTML page for every sale; the script reads the
 * sale id from the address), the room's page {@code GET /r/{roomId}} (the same for every room:
 * join, wait, go to the shop), their scripts and style under {@code /page/}, and
 * {@code /page/config}, which tells the scripts where ingest-api and inventory-service are.
 *
 * <p>The files are read from the jar once, at start-up, and served from memory: during a sale many
 * buyers load the page at once, and nothing here touches the disk or a template engine. They are
 * not in {@code static/}: in the e2e JVM every service shares one classpath, and the other
 * services must not serve the notifier's page.
 *
 * <p>Limits: no build step, so the files are served as written (no minification, no fingerprinted
 * names); a short {@code max-age} lets a new release reach buyers within a minute.
 */
final class PageRoutes {

    private static final String FILES = "/io/spillway/notifier/page/";
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");
    private static final Map<String, MediaType> ASSETS = Map.of(
            "common.js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
            "page.js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
            "room.js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
            "page.css", MediaType.parseMediaType("text/css;charset=UTF-8"));

    private final byte[] html;
    private final byte[] roomHtml;
    private final Map<String, byte[]> assets = new LinkedHashMap<>();
    private final Map<String, Object> config;
    private final String contentSecurityPolicy;

    PageRoutes(PageProperties page, boolean demoPayment) {
        this.html = read("index.html");
        this.roomHtml = read("room.html");
        ASSETS.keySet().forEach(name -> assets.put(name, read(name)));
        this.config = Map.of(
                "ingestUrl", page.ingestUrl(), "inventoryUrl", page.inventoryUrl(), "demoPayment", demoPayment);
        // Everything from this origin, nothing from a third party: buyers' browsers fetch nothing
        // else during a sale, and an injected script could not send a token anywhere.
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src " + page.connectSources() + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    RouterFunction<ServerResponse> route() {
        return RouterFunctions.route()
                .GET("/s/{saleId}", this::page)
                .GET("/r/{roomId}", this::roomPage)
                .GET("/page/config", this::config)
                .GET("/page/{file}", this::asset)
                .build();
    }

    private Mono<ServerResponse> page(ServerRequest request) {
        if (!SaleId.isValid(request.pathVariable("saleId"))) {
            return ServerResponse.notFound().build();
        }
        return html(html);
    }

    private Mono<ServerResponse> roomPage(ServerRequest request) {
        if (!RoomId.isValid(request.pathVariable("roomId"))) {
            return ServerResponse.notFound().build();
        }
        return html(roomHtml);
    }

    private Mono<ServerResponse> html(byte[] html) {
        return ServerResponse.ok()
                .contentType(HTML)
                // The page is the same for every sale (or room) and changes only with a release.
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", contentSecurityPolicy)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .bodyValue(html);
    }

    private Mono<ServerResponse> asset(ServerRequest request) {
        String name = request.pathVariable("file");
        byte[] body = assets.get(name);
        if (body == null) {
            return ServerResponse.notFound().build();
        }
        return ServerResponse.ok()
                .contentType(ASSETS.get(name))
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(1)).cachePublic())
                .header("X-Content-Type-Options", "nosniff")
                .bodyValue(body);
    }

    private Mono<ServerResponse> config(ServerRequest request) {
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .bodyValue(config);
    }

    private static byte[] read(String name) {
        try (InputStream in = PageRoutes.class.getResourceAsStream(FILES + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + FILES + name + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
