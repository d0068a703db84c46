package io.spillway.ingest.orders;

import io.spillway.ingest.problems.Refusal;
import java.util.Locale;

/**
 * The one body type the door takes: {@code application/json}, with no charset or UTF-8 (RFC 8259
 * makes JSON between systems UTF-8; anything else would be read wrongly, so it is refused).
 */
public final class JsonContentType {

    private JsonContentType() {}

    public static void require(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw Refusal.notJson("is required and must be application/json");
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            throw Refusal.notJson("must be application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).trim();
            if (name.toLowerCase(Locale.ROOT).equals("charset")) {
                String value = equals < 0 ? "" : unquote(parameter.substring(equals + 1).trim());
                if (!value.equalsIgnoreCase("utf-8")) {
                    throw Refusal.notJson("must be application/json in UTF-8");
                }
            }
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
