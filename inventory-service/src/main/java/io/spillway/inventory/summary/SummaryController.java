package io.spillway.inventory.summary;

import io.spillway.contract.SaleId;
import io.spillway.contract.problems.Problems;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/sales/{saleId}/summary}, and {@code /summary/stream}: the same as server-sent
 * events ({@code summary}), one a second, for the console. Admins only (admin.AdminSecurity); the
 * console reads the stream with {@code fetch}, since an {@code EventSource} cannot send the bearer.
 *
 * <p>Limits: a stream lasts at most {@link #STREAM_LIFETIME}; the console reconnects.
 */
@RestController
class SummaryController implements DisposableBean {

    static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

    private final SaleSummaries summaries;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("summary-stream").daemon().factory());

    SummaryController(SaleSummaries summaries) {
        this.summaries = summaries;
    }

    @GetMapping(path = "/api/v1/sales/{saleId}/summary", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SaleSummary> summary(@PathVariable String saleId) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(find(saleId));
    }

    @GetMapping(path = "/api/v1/sales/{saleId}/summary/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@PathVariable String saleId) {
        find(saleId);
        SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
        AtomicReference<ScheduledFuture<?>> tick = new AtomicReference<>();
        Runnable stop = () -> {
            ScheduledFuture<?> running = tick.get();
            if (running != null) {
                running.cancel(false);
            }
        };
        emitter.onCompletion(stop);
        emitter.onTimeout(stop);
        emitter.onError(failure -> stop.run());
        tick.set(ticks.scheduleAtFixedRate(() -> {
            try {
                emitter.send(SseEmitter.event().name("summary").data(find(saleId), MediaType.APPLICATION_JSON));
            } catch (IOException | RuntimeException e) {
                stop.run();
                emitter.completeWithError(e);
            }
        }, 0, 1, TimeUnit.SECONDS));
        return emitter;
    }

    private SaleSummary find(String saleId) {
        if (!SaleId.isValid(saleId)) {
            throw unknown(saleId);
        }
        return summaries.of(saleId).orElseThrow(() -> unknown(saleId));
    }

    private static ErrorResponseException unknown(String saleId) {
        return new ErrorResponseException(HttpStatus.NOT_FOUND,
                Problems.of(HttpStatus.NOT_FOUND, "unknown-sale", "Unknown sale", "There is no sale " + saleId + "."), null);
    }

    @Override
    public void destroy() {
        ticks.shutdownNow();
    }
}
