package io.spillway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Continues, for one record, the trace its {@code traceparent} header carries. Spring Kafka observes
 * record listeners by itself but not batch listeners (one call, many traces), so a batch consumer asks
 * this for each record: the work done in {@link #continueTrace} (logging, and sends through an observed
 * {@code KafkaTemplate}) belongs to the record's trace, and a record without the header starts a new one.
 */
public final class KafkaTraceContext {

    /** The W3C trace context headers, copied as they are by {@link #copyUnsampledTrace}. */
    private static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate", "baggage");

    /** {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}. */
    private static final int TRACEPARENT_LENGTH = 55;

    private static final Propagator.Getter<Headers> HEADERS = (headers, key) -> {
        Header header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    };

    private final Tracer tracer;
    private final Propagator propagator;

    public KafkaTraceContext(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Runs {@code work} in a consumer span that is a child of the trace in {@code headers}. */
    public <T> T continueTrace(Headers headers, String spanName, Supplier<T> work) {
        Span span = propagator.extract(headers, HEADERS).name(spanName).kind(Span.Kind.CONSUMER).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Copies the record's trace headers to {@code to} if they carry a W3C trace that is not sampled,
     * and answers whether it did. Work caused by such a record need not make spans of its own: Spring
     * Boot's sampler is parent-based, so a child of an unsampled span is not recorded either, and the
     * copied headers continue the same trace, unsampled, as a child span's would. A sampled trace, a
     * record without one, or a header this cannot read answers {@code false}: use
     * {@link #continueTrace} then.
     */
    public static boolean copyUnsampledTrace(Headers from, Headers to) {
        Header traceparent = from.lastHeader("traceparent");
        if (traceparent == null || !unsampled(traceparent.value())) {
            return false;
        }
        for (String name : TRACE_HEADERS) {
            Header header = from.lastHeader(name);
            if (header != null) {
                to.add(name, header.value());
            }
        }
        return true;
    }

    // Version 00 only: a later version may lay the flags out otherwise, and is traced in full.
    private static boolean unsampled(byte[] traceparent) {
        if (traceparent.length != TRACEPARENT_LENGTH
                || traceparent[0] != '0'
                || traceparent[1] != '0'
                || traceparent[2] != '-'
                || traceparent[35] != '-'
                || traceparent[52] != '-') {
            return false;
        }
        return id(traceparent, 3, 35) && id(traceparent, 36, 52) && hex(traceparent[53]) && hex(traceparent[54])
                && (Character.digit(traceparent[54], 16) & 1) == 0;
    }

    /** Lowercase hex and not all zeros, as W3C requires of the trace id and the parent id. */
    private static boolean id(byte[] value, int from, int to) {
        boolean nonZero = false;
        for (int i = from; i < to; i++) {
            if (!hex(value[i])) {
                return false;
            }
            nonZero |= value[i] != '0';
        }
        return nonZero;
    }

    private static boolean hex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    /** As {@link #continueTrace(Headers, String, Supplier)}, for work without a result. */
    public void continueTrace(Headers headers, String spanName, Runnable work) {
        continueTrace(headers, spanName, () -> {
            work.run();
            return null;
        });
    }
}
