package io.spillway.notifier.page;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code spillway.notifier.page.*}: where the buyers' page ({@code /s/{saleId}}) sends its orders
 * and reads the sale. Blank (the default): the page's own origin, as behind the production gateway,
 * which routes {@code /api/v1/orders…} to ingest-api and {@code /api/v1/sales…} to
 * inventory-service. Locally each service has its own port, so {@code ./spillway up} sets both, and
 * ingest-api and inventory-service allow the notifier's origin by CORS ({@code spillway.cors.*}).
 *
 * @param ingestUrl base URL of ingest-api, such as {@code http://127.0.0.1:8080}; blank: same origin
 * @param inventoryUrl base URL of inventory-service; blank: same origin
 */
@ConfigurationProperties("spillway.notifier.page")
record PageProperties(String ingestUrl, String inventoryUrl) {

    PageProperties {
        ingestUrl = base(ingestUrl, "spillway.notifier.page.ingest-url");
        inventoryUrl = base(inventoryUrl, "spillway.notifier.page.inventory-url");
    }

    /** The scheme, host and port of every other origin the page talks to, for its CSP. */
    String connectSources() {
        StringBuilder sources = new StringBuilder("'self'");
        for (String url : new String[] {ingestUrl, inventoryUrl}) {
            if (!url.isEmpty()) {
                URI uri = URI.create(url);
                sources.append(' ').append(uri.getScheme()).append("://").append(uri.getRawAuthority());
            }
        }
        return sources.toString();
    }

    /** An absolute http(s) URL without a trailing slash, or the empty string for "same origin". */
    static String base(String url, String property) {
        if (url == null || url.isBlank()) {
            return "";
        }
        String trimmed = url.strip();
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException(property + " is not a URL: " + trimmed, malformed);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getRawAuthority() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    property + " must be an http(s) URL without query, such as http://127.0.0.1:8080");
        }
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
