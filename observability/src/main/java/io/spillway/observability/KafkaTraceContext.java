package io.spillway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
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

    /** As {@link #continueTrace(Headers, String, Supplier)}, for work without a result. */
    public void continueTrace(Headers headers, String spanName, Runnable work) {
        continueTrace(headers, spanName, () -> {
            work.run();
            return null;
        });
    }
}
