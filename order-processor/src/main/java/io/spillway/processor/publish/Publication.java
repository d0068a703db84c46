package io.spillway.processor.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;

/**
 * One poll's decisions and dead letters, handed to the producer, and the poll's offsets, which may be
 * committed only once the broker has acknowledged every one of those records.
 *
 * <p>The offsets are released ({@code acknowledge}) exactly once: either from the producer's thread as
 * soon as every send succeeded ({@link #acknowledgeWhenDelivered}), or by {@link #complete} on the
 * consumer's thread after it waited for the sends and sent again those the broker refused. A send that
 * failed is sent again as a whole (its trace and its log line included), so a decision may reach
 * {@code orders.results} twice, identically, which its readers ignore.
 *
 * <p>Not thread-safe apart from the release of the offsets: {@link #complete} is called on the
 * consumer's thread only.
 */
public final class Publication {

    private final List<Supplier<CompletableFuture<?>>> sends;
    private final List<CompletableFuture<?>> outcomes;
    /** Done when every first send is; the offsets are released from the producer's thread on it. */
    private final CompletableFuture<Void> firstSends;
    /** Done when every send of {@link #outcomes} is: the first ones, then those sent again. */
    private CompletableFuture<Void> latest;
    private final Runnable commit;
    private final AtomicBoolean released = new AtomicBoolean();

    /**
     * Sends every record now.
     *
     * @param sends one action per record, each starting a send and returning its outcome
     * @param commit releases the poll's offsets for the next commit
     */
    static Publication start(List<Supplier<CompletableFuture<?>>> sends, Runnable commit) {
        List<CompletableFuture<?>> outcomes = new ArrayList<>(sends.size());
        for (Supplier<CompletableFuture<?>> send : sends) {
            outcomes.add(send.get());
        }
        return new Publication(sends, outcomes, commit);
    }

    private Publication(
            List<Supplier<CompletableFuture<?>>> sends,
            List<CompletableFuture<?>> outcomes,
            Runnable commit) {
        this.sends = sends;
        this.outcomes = outcomes;
        this.firstSends = all(outcomes);
        this.latest = firstSends;
        this.commit = commit;
    }

    /** Releases the offsets from the producer's thread once every send succeeded; never if one failed. */
    void acknowledgeWhenDelivered() {
        firstSends.thenRun(this::release);
    }

    /**
     * Returns once the broker has acknowledged every record, sending again, once, those it refused,
     * and releases the offsets.
     *
     * @return how many records were sent again
     * @throws KafkaException if the broker refused a record again or did not answer within
     *     {@code timeout}; the publication stays incomplete and may be completed later
     */
    int complete(Duration timeout) {
        // No producer flush: it waits without a bound (up to delivery.timeout.ms, and for every
        // thread's records), where this wait must end at the deadline. The cost is linger.ms for the
        // last, partly filled batch, which matters only when each poll waits for its own.
        long deadline = System.nanoTime() + timeout.toNanos();
        await(latest, deadline, false);
        int resent = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).isCompletedExceptionally()) {
                outcomes.set(i, sends.get(i).get());
                resent++;
            }
        }
        if (resent > 0) {
            latest = all(outcomes);
            await(latest, deadline, true);
        }
        release();
        return resent;
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            commit.run();
        }
    }

    private static CompletableFuture<Void> all(List<CompletableFuture<?>> outcomes) {
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
    }

    /** Waits for every send; a refused send is thrown only if {@code refusalFails}, else left to be sent again. */
    private static void await(CompletableFuture<Void> all, long deadline, boolean refusalFails) {
        try {
            all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (refusalFails) {
                throw new KafkaException("the broker did not take the batch's decisions", e.getCause());
            }
        } catch (TimeoutException e) {
            throw new KafkaException("the broker did not acknowledge the batch's decisions in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for the broker", e);
        }
    }
}
