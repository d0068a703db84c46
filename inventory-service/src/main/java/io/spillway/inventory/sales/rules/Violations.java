package io.spillway.inventory.sales.rules;

import io.spillway.contract.problems.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with a request, field by field, as the rules find it. The list stops at {@link #MAX}:
 * a list of 100,000 seats can hold 100,000 bad ones, and the first hundred tell the caller enough.
 */
public final class Violations {

    static final int MAX = 100;

    private final List<Violation> list = new ArrayList<>();

    public void add(String field, String message) {
        if (list.size() < MAX) {
            list.add(new Violation(field, message));
        }
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Violation> list() {
        return List.copyOf(list);
    }
}
