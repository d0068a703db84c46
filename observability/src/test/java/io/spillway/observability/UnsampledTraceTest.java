package io.spillway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class UnsampledTraceTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void anUnsampledTraceIsCopiedWithItsStateAndBaggage() {
        Headers from = headers("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-00");
        from.add("tracestate", utf8("vendor=value"));
        from.add("baggage", utf8("sale=opening"));
        from.add("other", utf8("not a trace header"));
        Headers to = new RecordHeaders();

        assertThat(KafkaTraceContext.copyUnsampledTrace(from, to)).isTrue();

        assertThat(value(to, "traceparent")).isEqualTo("00-" + TRACE + "-00f067aa0ba902b7-00");
        assertThat(value(to, "tracestate")).isEqualTo("vendor=value");
        assertThat(value(to, "baggage")).isEqualTo("sale=opening");
        assertThat(to.lastHeader("other")).isNull();
    }

    @Test
    void otherFlagsWithoutTheSampledBitCountAsUnsampled() {
        assertThat(KafkaTraceContext.copyUnsampledTrace(
                        headers("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-02"), new RecordHeaders()))
                .isTrue();
    }

    @Test
    void aSampledTraceIsLeftToASpan() {
        Headers to = new RecordHeaders();
        assertThat(KafkaTraceContext.copyUnsampledTrace(
                        headers("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01"), to))
                .isFalse();
        assertThat(KafkaTraceContext.copyUnsampledTrace(
                        headers("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-03"), to))
                .isFalse();
        assertThat(to.toArray()).isEmpty();
    }

    @Test
    void noTraceAnotherVersionOrAMalformedHeaderIsLeftToASpan() {
        for (String traceparent : new String[] {
            null,
            "01-" + TRACE + "-00f067aa0ba902b7-00",
            "00-" + TRACE + "-00f067aa0ba902b7-0",
            "00-" + TRACE + "-00f067aa0ba902b7-zz",
            "00_" + TRACE + "-00f067aa0ba902b7-00",
            "00-" + TRACE + "-00f067aa0ba902b7-00-extra",
            "00-" + TRACE.toUpperCase() + "-00f067aa0ba902b7-00",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-00",
            "00-" + TRACE + "-0000000000000000-00",
            "00-" + TRACE + "-00f067aa0ba902b7-0A",
        }) {
            Headers from = traceparent == null ? new RecordHeaders() : headers("traceparent", traceparent);
            Headers to = new RecordHeaders();
            assertThat(KafkaTraceContext.copyUnsampledTrace(from, to)).as(traceparent).isFalse();
            assertThat(to.toArray()).as(traceparent).isEmpty();
        }
    }

    private static Headers headers(String name, String value) {
        Headers headers = new RecordHeaders();
        headers.add(name, utf8(value));
        return headers;
    }

    private static String value(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
