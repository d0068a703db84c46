package io.spillway.contract.problems;

/**
 * One entry of a problem+json body's {@code errors} (CONTRACT.md, "Every error body is
 * application/problem+json"): the field, header or JSON path at fault ({@code Idempotency-Key},
 * {@code items[1].seats[0]}) and what is wrong with it, in words a client can show.
 */
public record Violation(String field, String message) {}
