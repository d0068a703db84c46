package io.spillway.contract;

import java.util.regex.Pattern;

/** The shapes of the identifiers that travel in URLs, headers and Kafka keys; checked once, here. */
final class Identifiers {

    /** Sale ids, SKUs and seat ids: no '/' so that {@code saleId/sku} is an unambiguous record key. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Customer ids as set by the authenticating gateway (see CONTRACT.md). */
    static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Identifiers() {}

    static String require(String value, Pattern pattern, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + pattern.pattern());
        }
        return value;
    }
}
