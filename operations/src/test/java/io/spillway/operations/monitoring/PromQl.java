package io.spillway.operations.monitoring;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names a PromQL expression reads, with the label keys it matches each on. A small
 * scanner, not a parser: it drops string literals, durations and grouping clauses, then takes every
 * identifier that is not a function, keyword or aggregation. Enough for the rules and dashboard
 * here; an expression it misreads fails the test, which is the safe side.
 */
final class PromQl {

    private static final Set<String> WORDS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk",
            "bottomk", "quantile", "count_values", "group", "by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan", "atan2");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.\"])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w:])");

    private PromQl() {}

    /** Series name → label keys used in its selectors. */
    static Map<String, Set<String>> series(String expression) {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        String text = expression.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        Matcher selector = SELECTOR.matcher(expression);
        while (selector.find()) {
            if (selector.group(1) != null && !WORDS.contains(selector.group(1))) {
                Set<String> labels = result.computeIfAbsent(selector.group(1), k -> new LinkedHashSet<>());
                Matcher m = MATCHER.matcher(selector.group(2).replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
                while (m.find()) {
                    labels.add(m.group(1));
                }
            }
        }
        text = text.replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\w+", " ");
        Matcher id = IDENTIFIER.matcher(text);
        while (id.find()) {
            String name = id.group(1);
            int after = id.end();
            while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                after++;
            }
            boolean call = after < text.length() && text.charAt(after) == '(';
            if (!call && !WORDS.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.matches("\\d.*")) {
                result.computeIfAbsent(name, k -> new LinkedHashSet<>());
            }
        }
        return result;
    }
}
