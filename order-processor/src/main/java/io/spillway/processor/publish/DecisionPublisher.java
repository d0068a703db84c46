package io.spillway.processor.publish;

import io.spillway.contract.EventJson;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderResult;
import io.spillway.contract.OrderId;
import io.spillway.contract.Topics;
import io.spillway.observability.KafkaTraceContext;
import io.spillway.processor.operations.DecisionMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Hands a batch's decisions to {@code orders.results} and its unreadable records to
 * {@code orders.dlq} ({@code acks=all}, idempotent producer) and returns them as one
 * {@link Publication}: the batch's offsets are released for commit only once the broker has
 * acknowledged every one of them.
 *
 * <p>A dead letter the broker will never take as received (larger than {@code orders.dlq} accepts)
 * is sent without the record's value and headers instead, with the cause and the record's origin, and
 * counted ({@code spillway.processor.dead.letters.without.value}): otherwise it would hold its batch
 * for ever. Limits: if {@code orders.dlq} refuses even that (a few hundred bytes), the batch is held
 * and retried, as for any refused publication.
 */
@Component
public class DecisionPublisher {

    private static final Logger log = LoggerFactory.getLogger(DecisionPublisher.class);

    private final KafkaTemplate<String, OrderResult> results;
    private final KafkaTemplate<String, OrderResult> unobservedResults;
    private final KafkaTemplate<byte[], byte[]> deadLetters;
    private final Topics topics;
    private final KafkaTraceContext traces;
    private final DecisionMetrics metrics;

    DecisionPublisher(
            KafkaTemplate<String, OrderResult> results,
            DefaultKafkaProducerFactory<String, OrderResult> decisionProducerFactory,
            KafkaTemplate<byte[], byte[]> deadLetters,
            Topics topics,
            KafkaTraceContext traces,
            DecisionMetrics metrics) {
        this.metrics = metrics;
        this.traces = traces;
        this.results = results;
        // The same producer, without the observation (a span and a timer per send) of the bean.
        this.unobservedResults = new KafkaTemplate<>(decisionProducerFactory);
        this.deadLetters = deadLetters;
        this.topics = topics;
    }

    /**
     * Sends every record of the batch now and returns without waiting for the broker.
     *
     * @param requestHeaders the headers of the request record each decision answers, by order: the
     *     trace to continue; an order without one is published in a trace of its own. A trace that is
     *     not sampled (most, at production's sampling ratio) is continued by copying its headers
     *     onto the decision, without spans: they would not be recorded, and making them cost a
     *     quarter of the listener's CPU in the processor benchmark's profile.
     * @param commit releases the batch's offsets; run once, when the broker has every record
     */
    public Publication publish(
            List<OrderResult> decisions,
            Map<OrderId, Headers> requestHeaders,
            List<DeadLetter> unreadable,
            Runnable commit) {
        List<Supplier<CompletableFuture<?>>> sends = new ArrayList<>(decisions.size() + unreadable.size());
        for (OrderResult decision : decisions) {
            Headers request = requestHeaders.get(decision.orderId());
            sends.add(request == null ? () -> send(decision) : () -> sendInTrace(decision, request));
            // The door admits payments only for orders it saw here; replays send it again (compacted).
            if (decision instanceof OrderConfirmed confirmed && confirmed.held()) {
                sends.add(() -> deadLetters.send(new ProducerRecord<>(topics.holds(),
                        utf8(confirmed.orderId().toString()), EventJson.writeHold(HoldOpened.of(confirmed)))));
            }
        }
        for (DeadLetter letter : unreadable) {
            sends.add(() -> traces.continueTrace(letter.source().headers(), "dead-letter order", () -> {
                log.warn("orders.requested {}-{}@{} cannot be decided ({}: {}); sent to {}", letter.source().topic(),
                        letter.source().partition(), letter.source().offset(), letter.kind(), letter.cause(), topics.dlq());
                return deadLetters.send(letter.toRecord(topics.dlq()))
                        // Off the producer's I/O thread: a send from its callback could wait on itself.
                        .exceptionallyComposeAsync(failure -> refusedForGood(failure)
                                ? sendWithoutValue(letter, failure)
                                : CompletableFuture.failedFuture(failure));
            }));
        }
        return Publication.start(sends, commit);
    }

    /**
     * The broker will never take the dead letter as received (too large for {@code orders.dlq}, or
     * another refusal that is not retriable): sending it again would hold the batch for ever.
     * Authorization failures are excluded: a dead letter without value would be refused too, and the
     * batch should wait for the operator rather than lose the value.
     */
    private static boolean refusedForGood(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                return !(api instanceof RetriableException)
                        && !(api instanceof AuthorizationException)
                        && !(api instanceof AuthenticationException);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private CompletableFuture<SendResult<byte[], byte[]>> sendWithoutValue(DeadLetter letter, Throwable failure) {
        Throwable refusal = failure;
        while (refusal.getCause() != null && !(refusal instanceof ApiException)) {
            refusal = refusal.getCause();
        }
        log.warn("{} refused the dead letter of {}-{}@{} as received ({}); sending it without its value",
                topics.dlq(), letter.source().topic(), letter.source().partition(), letter.source().offset(),
                refusal.toString());
        metrics.deadLetterWithoutValue();
        return deadLetters.send(letter.toRecordWithoutValue(topics.dlq(), refusal.toString()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private CompletableFuture<?> send(OrderResult decision) {
        return results.send(topics.results(), decision.orderId().toString(), decision);
    }

    private CompletableFuture<?> sendInTrace(OrderResult decision, Headers request) {
        ProducerRecord<String, OrderResult> record =
                new ProducerRecord<>(topics.results(), decision.orderId().toString(), decision);
        if (KafkaTraceContext.copyUnsampledTrace(request, record.headers())) {
            return unobservedResults.send(record);
        }
        return traces.continueTrace(request, "publish decision", () -> results.send(record));
    }
}
