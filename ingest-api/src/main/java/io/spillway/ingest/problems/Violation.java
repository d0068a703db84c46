package io.spillway.ingest.problems;

/** One thing wrong with a request: the field or header at fault and what is wrong with it. */
public record Violation(String field, String message) {}
