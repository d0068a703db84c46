package io.spillway.inventory.orders;

import java.io.IOException;
import java.io.Writer;

/**
 * RFC 4180 fields: quoted when they hold a comma, quote, or line break. A field that a spreadsheet
 * would run as a formula ({@code = + - @} first) is quoted and prefixed with {@code '}, since the
 * export is opened in spreadsheets by the box office.
 */
final class Csv {

    private Csv() {}

    static void field(Writer out, String value) throws IOException {
        if (value == null || value.isEmpty()) {
            return;
        }
        boolean formula = "=+-@".indexOf(value.charAt(0)) >= 0;
        boolean quote = formula || value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
        if (!quote) {
            out.write(value);
            return;
        }
        out.write('"');
        if (formula) {
            out.write('\'');
        }
        out.write(value.replace("\"", "\"\""));
        out.write('"');
    }
}
