package io.spillway.inventory.sales;

/** One broken rule of a request: the field as a JSON path ({@code items[1].seats[0]}) and what is wrong. */
record Violation(String field, String message) {}
