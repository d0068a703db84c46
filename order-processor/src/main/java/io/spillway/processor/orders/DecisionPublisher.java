package io.spillway.processor.orders;

import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.Topics;
import io.spillway.observability.KafkaTraceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes a batch's decisions to {@code orders.results} and its unreadable records to
 * {@code orders.dlq}, and returns only when the broker acknowledged every one of them
 * ({@code acks=all}, idempotent producer). Anything else throws, so that the batch's offsets are not
 * committed and the batch is delivered again.
 */
@Component
class DecisionPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionPublisher.class);

    private final KafkaTemplate<String, OrderDecision> results;
    private final KafkaTemplate<byte[], byte[]> deadLetters;
    private final Topics topics;
    private final ProcessorSettings settings;
    private final KafkaTraceContext traces;

    DecisionPublisher(
            KafkaTemplate<String, OrderDecision> results,
            KafkaTemplate<byte[], byte[]> deadLetters,
            Topics topics,
            ProcessorSettings settings,
            KafkaTraceContext traces) {
        this.traces = traces;
        this.results = results;
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.settings = settings;
    }

    /**
     * @param requestHeaders the headers of the request record each decision answers, by order: the
     *     trace to continue; an order without one is published in a trace of its own
     */
    void publish(List<OrderDecision> decisions, Map<OrderId, Headers> requestHeaders, List<DeadLetter> unreadable) {
        List<CompletableFuture<?>> acks = new ArrayList<>(decisions.size() + unreadable.size());
        for (OrderDecision decision : decisions) {
            Headers request = requestHeaders.get(decision.orderId());
            if (request == null) {
                acks.add(send(decision));
            } else {
                acks.add(traces.continueTrace(request, "publish decision", () -> send(decision)));
            }
        }
        for (DeadLetter letter : unreadable) {
            acks.add(traces.continueTrace(letter.source().headers(), "dead-letter order", () -> {
                LOG.warn("orders.requested {}-{}@{} cannot be decided ({}: {}); sent to {}", letter.source().topic(),
                        letter.source().partition(), letter.source().offset(), letter.kind(), letter.cause(), topics.dlq());
                return deadLetters.send(letter.toRecord(topics.dlq()));
            }));
        }
        // Everything of the poll is handed over: send the last, partly filled batches now rather than
        // after linger.ms, which would otherwise be added to every poll (the thread waits for the acks).
        results.flush();
        if (!unreadable.isEmpty()) {
            deadLetters.flush();
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("the broker did not take the batch's decisions", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the broker did not acknowledge the batch's decisions in "
                    + settings.publishTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for the broker", e);
        }
    }

    private CompletableFuture<?> send(OrderDecision decision) {
        return results.send(topics.results(), decision.orderId().toString(), decision);
    }
}
