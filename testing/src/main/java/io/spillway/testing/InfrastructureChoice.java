package io.spillway.testing;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Where a test JVM's broker or database comes from, decided once per resource, in this order:
 * <ol>
 *   <li>an address handed in from outside ({@code ./spillway test}, or a developer's own server)
 *       is used as it is, whatever else holds;
 *   <li>{@code spillway.test.infrastructure} / {@code SPILLWAY_TEST_INFRASTRUCTURE} set to {@code
 *       containers} or {@code embedded} forces that path;
 *   <li>otherwise Testcontainers where a Docker engine answers, the embedded servers where none
 *       does.
 * </ol>
 * The Docker probe is asked only when the first two leave the choice open.
 *
 * <p>Limits: "a Docker engine answers" is whatever the probe says (Testcontainers' own detection in
 * {@link SharedInfrastructure}); forcing {@code containers} without an engine fails at the first
 * container, with Testcontainers' message.
 */
record InfrastructureChoice(Source source, String address, String reason) {

    /** The three places a broker or database can come from. */
    enum Source {
        EXTERNAL,
        CONTAINER,
        EMBEDDED
    }

    static final String PROPERTY = "spillway.test.infrastructure";
    static final String ENVIRONMENT = "SPILLWAY_TEST_INFRASTRUCTURE";

    /**
     * @param external the address given for this resource, or null/blank/an unresolved Maven
     *     {@code ${…}} when none was
     * @param override {@code containers}, {@code embedded}, or null/blank/{@code auto} for the
     *     automatic choice
     * @param dockerAvailable asked at most once, only when the choice depends on it
     */
    static InfrastructureChoice choose(String external, String override, BooleanSupplier dockerAvailable) {
        if (given(external)) {
            return new InfrastructureChoice(Source.EXTERNAL, external.trim(), "an address was given");
        }
        String forced = given(override) ? override.trim().toLowerCase(Locale.ROOT) : "auto";
        return switch (forced) {
            case "containers" -> new InfrastructureChoice(Source.CONTAINER, null, ENVIRONMENT + "=containers");
            case "embedded" -> new InfrastructureChoice(Source.EMBEDDED, null, ENVIRONMENT + "=embedded");
            case "auto" -> dockerAvailable.getAsBoolean()
                    ? new InfrastructureChoice(Source.CONTAINER, null, "a Docker engine is available")
                    : new InfrastructureChoice(Source.EMBEDDED, null, "no Docker engine is available");
            default -> throw new IllegalArgumentException(
                    ENVIRONMENT + " must be containers, embedded or auto, not '" + override + "'");
        };
    }

    /** Maven leaves an unset {@code ${env.X}} as its own text. */
    static boolean given(String value) {
        return value != null && !value.isBlank() && !value.startsWith("${");
    }
}
